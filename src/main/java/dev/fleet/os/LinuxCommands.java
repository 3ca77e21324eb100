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

    /**
     * Widens the pipe a stream's copy tool reads from to 1 MiB ({@code F_SETPIPE_SZ}, 1031 on
     * Linux; 1 MiB is the most an unprivileged process may ask for by default), with perl, which
     * Debian and Ubuntu always have (perl-base is essential) and most others do; where there is no
     * perl, or the pipe cannot grow, nothing is said and the pipe stays as it was.
     *
     * <p>Why: sshd hands a session's data to the command through a pipe of 64 KiB, and gives
     * the member's window (2 MiB) back only as the command takes it; with the sender waiting for
     * that window most of a warm upload, dd's 64 KiB at a time paced the whole transfer. A warm
     * 256 MiB send went at 0.91-0.94x `scp` over a ControlMaster with the usual pipe and
     * 1.03-1.20x with the wide one (bench S4, docs/decisions.md "A stream's pipe on the member is
     * widened").
     */
    static final String WIDER_PIPE = "perl -e 'fcntl(STDIN, 1031, 1048576)' >/dev/null 2>&1; ";

    @Override
    String beforeStreamedRead() {
        return WIDER_PIPE;
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
