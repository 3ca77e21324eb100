package dev.fleet.member;

/** Rules for values that identify members; shared by tools and the registry. */
public final class MemberRules {
    public static final String NAME_REGEX = "[A-Za-z0-9._-]{1,64}";
    public static final String NAME_RULE = "must be 1 to 64 characters of letters, digits, '.', '_' or '-'";
    /** Session ids come from the agent CLI; anything else is refused before it can reach a command line. */
    public static final String SESSION_ID_REGEX = "[A-Za-z0-9_-]{1,128}";

    private MemberRules() {
    }

    public static boolean isValidSessionId(String id) {
        return id != null && id.matches(SESSION_ID_REGEX);
    }
}
