package dev.fleet.statusline;

import java.util.Locale;

/**
 * What the statusline says about a member, in display order (problems first). Fleet sets busy,
 * idle and offline; verify and blocked are kept for states a PM may record later.
 */
public enum MemberState {
    BLOCKED("🚫"), VERIFY("🔍"), BUSY("⚡"), IDLE("💤"), OFFLINE("❌");

    private final String emoji;

    MemberState(String emoji) {
        this.emoji = emoji;
    }

    public String emoji() {
        return emoji;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state named in the state file; unknown names read as idle (the file may come from another version). */
    static MemberState fromJson(String value) {
        for (MemberState s : values()) {
            if (s.json().equals(value)) {
                return s;
            }
        }
        return IDLE;
    }
}
