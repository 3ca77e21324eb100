package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import dev.fleet.member.MemberOs;

final class LinuxCommands extends PosixCommands {
    @Override
    public MemberOs os() {
        return MemberOs.LINUX;
    }

    @Override
    public java.util.Optional<String> fleetCommands(java.util.List<String> runTags) {
        // A command's processes share its tag (fleet_tagged, the members' tags: whatever HOME they set).
        // Without a readable /proc nothing would be listed, and that would read as idle. A command whose
        // processes no longer show the tag is found by its recorded session (FleetSessions), whose
        // login-scope check leaves out exactly what the tag check counted.
        StringBuilder sessionsOfTheseMembers = new StringBuilder("grep -x");
        for (String tag : runTags) {
            sessionsOfTheseMembers.append(" -e '").append(RUN_TAG).append('=').append(tag).append("-[0-9a-f]*'");
        }
        return java.util.Optional.of("[ -r /proc/self/environ ] || { echo 'fleet: /proc is not readable' >&2; exit 3; }\n"
                + FleetSessions.FUNCTION + "\n"
                + "fs_tags='" + String.join(" ", runTags) + "'; fs_home=''; fleet_tagged \"$fs_tags\" ''; "
                + "fleet_s=$(fleet_sessions \"" + FleetSessions.FOLDER + "\") "
                + "|| { echo 'fleet: the sessions of fleet commands could not be checked (ps)' >&2; exit 3; }; "
                + "{ printf '%s' \"$fs_runs\"; printf '%s\\n' \"$fleet_s\" | " + sessionsOfTheseMembers + "; } "
                + "| grep -vxF \"" + RUN_TAG + "=${" + RUN_TAG + ":-}\" | sort -u; true");
    }

    @Override
    String sessionRecord(String runId) {
        return FleetSessions.record(runId);
    }

    @Override
    public String agentProcesses() {
        return agentProcessLines("readlink /proc/$pid/cwd 2>/dev/null");
    }

    @Override
    public java.util.Optional<String> sha256Files(String realRoot) {
        return java.util.Optional.of(PosixCommands.filesInside(realRoot) + " | xargs -0 -r sha256sum -- 2>/dev/null; true");
    }

    @Override
    public String killTagged(String runId) {
        // Runs in the login shell as it is (zsh splits no words): the sessions' part runs in sh, and
        // ends every process of the command's sessions, title set or not.
        return "for f in $(grep -lzx " + RUN_TAG + "=" + runId + " /proc/[0-9]*/environ 2>/dev/null); do "
                + "p=${f#/proc/}; kill -KILL \"${p%/environ}\" 2>/dev/null; done; "
                + "[ ! -d \"" + FleetSessions.FOLDER + "\" ] || sh -c " + posix(FleetSessions.FUNCTION
                        + "\nfor s in $(fleet_sessions \"$1\" \"$2\"); do pkill -KILL -s \"$s\" 2>/dev/null; done")
                + " sh \"" + FleetSessions.FOLDER + "\" " + posix(runId) + "; true";
    }

    @Override
    public String systemProbe() {
        return "read l1 l5 l15 rest < /proc/loadavg; echo \"load1=$l1\"; echo \"cpus=$(nproc 2>/dev/null || echo 1)\"; "
                + "awk '/^MemTotal:/ {print \"mem_total_kb=\" $2} /^MemAvailable:/ {print \"mem_available_kb=\" $2}' /proc/meminfo";
    }

    @Override
    String killTaskTagged() {
        return "for f in $(grep -lzx \"FLEET_TASK_ID=$id\" /proc/[0-9]*/environ 2>/dev/null); do "
                + "p=${f#/proc/}; p=${p%/environ}; [ \"$p\" = \"$$\" ] || kill -KILL \"$p\" 2>/dev/null; done; ";
    }

    @Override
    String taskTagged(String pid) {
        return "grep -qzx \"FLEET_TASK_ID=$id\" \"/proc/" + pid + "/environ\" 2>/dev/null";
    }
}
