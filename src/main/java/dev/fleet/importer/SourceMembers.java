package dev.fleet.importer;

import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.MemberRules;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a member read from another registry must meet before fleet takes it in: the same
 * rules register_member holds a new member to. A registry file is not fleet's to trust (it may be
 * copied from elsewhere, damaged or edited by hand): without these checks a member with no id or
 * name, a name holding terminal escapes, or a local work folder such as {@code ../x} (which commands
 * would then run in relative to wherever fleet was started) went into fleet's registry unchecked.
 */
final class SourceMembers {
    static final String ID_REGEX = "[A-Za-z0-9._-]{1,128}";
    static final String ID_RULE = "must be 1 to 128 characters of letters, digits, '.', '_' or '-'";

    private SourceMembers() {
    }

    /** Every rule the member breaks, each naming the member (as {@link #shown}), the field and the rule. */
    static List<String> problems(int index, Member m) {
        String who = "member " + (index + 1) + " (" + shown(m.friendlyName()) + ")";
        List<String> out = new ArrayList<>();
        check(out, who, "id", m.id(), ID_REGEX, ID_RULE, true);
        check(out, who, "friendlyName", m.friendlyName(), MemberRules.NAME_REGEX, MemberRules.NAME_RULE, true);
        check(out, who, "workFolder", m.workFolder(), MemberRules.WORK_FOLDER_REGEX, MemberRules.WORK_FOLDER_RULE, true);
        if (m.isLocal() && m.workFolder() != null && m.workFolder().matches(MemberRules.PATH_REGEX)
                && !m.workFolder().startsWith("~") && !absoluteHere(m.workFolder())) {
            out.add(who + ": workFolder must be an absolute path on this machine for a local member, got "
                    + shown(m.workFolder()));
        }
        if (!m.isLocal()) {
            check(out, who, "host", m.host(), MemberRules.HOST_REGEX, MemberRules.HOST_RULE, true);
            check(out, who, "username", m.username(), MemberRules.USERNAME_REGEX, MemberRules.USERNAME_RULE, false);
            if (m.port() != null && (m.port() < 1 || m.port() > 65535)) {
                out.add(who + ": port must be between 1 and 65535, got " + m.port());
            }
        }
        check(out, who, "keyPath", m.keyPath(), MemberRules.PATH_REGEX, MemberRules.PATH_RULE, false);
        // Shown on every status line and member list: an icon update_member would refuse (a terminal
        // escape, a long text) is refused here too. No icon at all is fine: fleet hands one out.
        if (m.icon() != null && !m.icon().isEmpty() && !MemberIcons.valid(m.icon())) {
            out.add(who + ": icon " + MemberIcons.ruleBroken(m.icon()) + ", got \"" + shown(m.icon()) + "\"");
        }
        if (m.cloud() != null) {
            // The region becomes part of the AWS endpoint's host name, where a stray '/' or '?' would
            // send signed requests elsewhere; the instance id and profile go into the same calls.
            check(out, who, "cloud.instanceId", m.cloud().instanceId(), MemberRules.CLOUD_INSTANCE_ID_REGEX,
                    MemberRules.CLOUD_INSTANCE_ID_RULE, true);
            check(out, who, "cloud.region", m.cloud().region(), MemberRules.CLOUD_REGION_REGEX, MemberRules.CLOUD_REGION_RULE, true);
            check(out, who, "cloud.profile", m.cloud().profile(), MemberRules.CLOUD_PROFILE_REGEX, MemberRules.CLOUD_PROFILE_RULE, false);
            check(out, who, "cloud.sshKeyPath", m.cloud().sshKeyPath(), MemberRules.PATH_REGEX, MemberRules.PATH_RULE, false);
            if (m.cloud().activityCommand() != null && m.cloud().activityCommand().length() > 4096) {
                out.add(who + ": cloud.activityCommand must be at most 4096 characters");
            }
        }
        return out;
    }

    /**
     * A value from the file as it may be shown on a terminal: control and invisible format
     * characters (a newline, an escape sequence, a right-to-left override) as {@code \}{@code uXXXX},
     * so a name cannot write lines of its own or recolour the output; long values cut.
     */
    static String shown(String value) {
        if (value == null) {
            return "no name";
        }
        StringBuilder b = new StringBuilder();
        int limit = Math.min(value.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return value.length() > limit ? b + "..." : b.toString();
    }

    private static void check(List<String> out, String who, String field, String value, String regex, String rule,
                              boolean required) {
        if (value == null) {
            if (required) {
                out.add(who + ": " + field + " is missing; it " + rule);
            }
        } else if (!value.matches(regex)) {
            out.add(who + ": " + field + " " + rule + ", got \"" + shown(value) + "\"");
        }
    }

    private static boolean absoluteHere(String path) {
        try {
            return Path.of(path).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
