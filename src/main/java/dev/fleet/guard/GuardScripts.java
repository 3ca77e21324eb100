package dev.fleet.guard;

import dev.fleet.base.BundledText;
import dev.fleet.os.ActiveLogins;
import dev.fleet.os.AgentProcessNames;
import dev.fleet.os.FleetSessions;
import dev.fleet.os.GpuHoldersCpu;
import dev.fleet.os.SftpCounters;
import dev.fleet.os.TransferServers;
import dev.fleet.probe.UtilizationPolicy;
import dev.fleet.security.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The shell text of the on-instance guard (bash, Linux): {@code run-once.sh} (one decision),
 * {@code uninstall.sh} and {@code install.sh} beside this class. The installer travels on stdin with
 * the two scripts base64-encoded inside it, so no quoting layer can alter them.
 */
public final class GuardScripts {
    /** Raised whenever the guard's behaviour changes: members with an older guard get the new one. */
    public static final int VERSION = 12;
    static final String FOLDER = "$HOME/.fleet/guard";

    private static final String RUN_ONCE = load("run-once.sh").replace("@VERSION@", Integer.toString(VERSION))
            .replace("@GPU_HOLDERS_CPU@", GpuHoldersCpu.FUNCTION.strip())
            .replace("@ACTIVE_LOGINS@", ActiveLogins.FUNCTION.strip())
            .replace("@SFTP_COUNTERS@", SftpCounters.FUNCTION.strip())
            .replace("@FLEET_SESSIONS@", FleetSessions.FUNCTION.strip())
            .replace("@CPU_WORK_PERCENT@", Integer.toString(GpuHoldersCpu.WORK_PERCENT))
            .replace("@CPU_WINDOW_SEC@", Long.toString(GpuHoldersCpu.WINDOW.toSeconds()))
            .replace("@CPU_READINGS@", Integer.toString(GpuHoldersCpu.READINGS))
            .replace("@GPU_BUSY_WINDOW_SEC@", Long.toString(UtilizationPolicy.BUSY_WINDOW.toSeconds()))
            .replace("@AGENT_PROCESS_ERE@", AgentProcessNames.POSIX_ERE)
            .replace("@TRANSFER_SERVERS@", TransferServers.AWK_CONDITION);
    private static final String UNINSTALL = load("uninstall.sh");
    private static final String INSTALL = load("install.sh");

    private GuardScripts() {
    }

    /**
     * The guard's settings on one member. {@code runTag} ({@link dev.fleet.os.OsCommands#runTag}, null: none) is
     * how the guard knows the member's commands by their run id whatever HOME they set.
     */
    public record Config(String member, String workFolder, int timeoutMin, int graceMin, int gpuBusyMinUtil,
                         String activityCommand, String runTag) {
        public Config(String member, String workFolder, int timeoutMin, int graceMin, int gpuBusyMinUtil,
                      String activityCommand) {
            this(member, workFolder, timeoutMin, graceMin, gpuBusyMinUtil, activityCommand, null);
        }
    }

    /** The run-once script itself (tests run it directly). */
    public static String runOnce() {
        return RUN_ONCE;
    }

    /** The installer, to be run with {@code bash -s} from stdin. */
    public static String installer(Config c) {
        // The work folder and the activity command are free text: base64, placed last.
        return INSTALL.replace("@RUN_ONCE_B64@", b64(RUN_ONCE))
                .replace("@UNINSTALL_B64@", b64(UNINSTALL))
                .replace("@VERSION@", Integer.toString(VERSION))
                .replace("@TIMEOUT_MIN@", Integer.toString(c.timeoutMin()))
                .replace("@GRACE_MIN@", Integer.toString(c.graceMin()))
                .replace("@GPU_MIN_UTIL@", Integer.toString(c.gpuBusyMinUtil()))
                .replace("@MEMBER@", ShellQuote.posix(c.member()))
                .replace("@RUN_TAG@", c.runTag() == null ? "''" : ShellQuote.posix(c.runTag()))
                .replace("@ACTIVITY_B64@", c.activityCommand() == null ? "''" : b64(c.activityCommand()))
                .replace("@WORK_FOLDER_B64@", b64(c.workFolder()));
    }

    /** Runs the guard's own uninstaller; prints {@code @@guard:removed}, or {@code @@guard:absent} when there is none. */
    static String uninstall() {
        return "g=\"" + FOLDER + "\"; if [ -f \"$g/uninstall\" ]; then bash \"$g/uninstall\"; "
                + "elif [ -d \"$g\" ]; then rm -rf -- \"$g\"; echo '@@guard:removed'; else echo '@@guard:absent'; fi";
    }

    /** Prints {@code key=value} lines of the installed guard and, after {@code @@guard:last}, its last decision. */
    static String inspect() {
        return "g=\"" + FOLDER + "\"; [ -f \"$g/run-once\" ] || { echo '@@guard:absent'; exit 0; }; "
                + "for k in version scheduler poweroff timeout-min grace-min; do printf '%s=%s\\n' \"$k\" \"$(cat \"$g/$k\" 2>/dev/null)\"; done; "
                + "echo '@@guard:last'; tail -n 1 \"$g/decisions.log\" 2>/dev/null; true";
    }

    private static String b64(String text) {
        return "'" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "'";
    }

    private static String load(String name) {
        return BundledText.of(GuardScripts.class, name);
    }
}
