package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.List;

/**
 * Shell text for one member OS. Every OS difference lives behind this interface: callers build
 * commands here and parse the fixed, line-oriented output formats documented on each method.
 * Values that come from users (folders, paths) are always quoted here, never by callers.
 */
public interface OsCommands {
    /** The environment variable that tags a command fleet runs, and every process it starts (see {@link #killTagged}). */
    String RUN_TAG = "FLEET_RUN_ID";

    static OsCommands forOs(MemberOs os) {
        return switch (os == null ? MemberOs.LINUX : os) {
            case LINUX -> new LinuxCommands();
            case MACOS -> new MacOsCommands();
            case WINDOWS -> new WindowsCommands();
        };
    }

    MemberOs os();

    /** argv that runs {@code script} in this OS's shell on the local machine. */
    List<String> shellArgv(String script);

    /**
     * The command line sent over SSH: runs {@code script} in {@code folder} (null: the login
     * folder) tagged with {@code runId}, so that {@link #killTagged} can end it and everything it
     * started, even processes that left its process group.
     */
    String remoteCommand(String script, String folder, String runId);

    /** Ends every process tagged with {@code runId}; prints nothing, always succeeds. */
    String killTagged(String runId);

    /**
     * The start of every run id fleet gives a command on this member ({@code <tag>-<random hex>}),
     * the same in every fleet server: it lets {@link #fleetCommands} find the member's commands
     * whoever started them. Made from the member id (letters and digits only, so it needs no quoting).
     */
    static String runTag(String memberId) {
        // A loop, not a regular expression: every command makes its run id, and compiling the
        // pattern each time cost a local command about 10 us.
        StringBuilder tag = new StringBuilder(12);
        for (int i = 0; memberId != null && i < memberId.length() && tag.length() < 12; i++) {
            char c = memberId.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                tag.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                tag.append((char) (c + ('a' - 'A')));
            }
        }
        return tag.length() == 0 ? "m" : tag.toString();
    }

    /**
     * Prints one line per fleet command still running on the machine whose run id starts with
     * {@code runTag} (started by any fleet server), leaving out the command that asks and every
     * look (a look's id is not of a command's shape). Empty where the OS does not show other
     * processes' environments (Windows).
     */
    default java.util.Optional<String> fleetCommands(String runTag) {
        return fleetCommands(java.util.List.of(runTag));
    }

    /**
     * The same for several members' tags: a cloud instance may be reached under another name too
     * (its address registered again as a plain remote member), and a fleet command run through
     * that member is work on the instance.
     */
    java.util.Optional<String> fleetCommands(java.util.List<String> runTags);

    /**
     * Prints a line {@code transfer <pid> <counters>} for each of the user's SFTP sessions (OpenSSH's
     * {@code sftp-server}: fleet's from any server, or anyone's, a mounted {@code sshfs} too), where
     * counters are the bytes it has read and written so far ({@code <read>/<written>/}, from
     * {@code /proc}) or {@code -} where they cannot be read; then {@code transfers <n>}, how many
     * there are; and, where the machine keeps a login record, {@code logins <n>}: login sessions
     * whose terminal saw input within {@code activeWithinMinutes} (people working there by hand;
     * fleet's own commands open none). Empty where the OS shows neither.
     */
    default java.util.Optional<String> transfersAndLogins(int activeWithinMinutes) {
        return java.util.Optional.empty();
    }

    /** Prints the user's home folder. */
    String homeFolder();

    /** Adds a public key line to the user's authorized keys, once (idempotent). */
    String authorizeKey(String publicKeyLine);

    /** Removes a public key line from the user's authorized keys, if present. */
    String revokeKey(String publicKeyLine);

    /** Creates a folder and its parents; succeeds if it exists. */
    String makeDirectory(String folder);

    /** Prints {@code yes} when the folder exists. */
    String folderExists(String folder);

    /**
     * Shell text printing the folder with every link resolved (nothing when it does not exist),
     * as process working folders are shown; empty where this OS has no such tool here.
     */
    default java.util.Optional<String> resolvedFolder(String folder) {
        return java.util.Optional.empty();
    }

    /** What {@link #streamedWriteCheck} prints where {@link #streamedWrite} works. */
    String STREAMED_WRITE_OK = "fleet-streamed-write-ok";

    /**
     * Shell text that copies its stdin, byte for byte, into {@code file}, a file that already
     * exists: it never creates, truncates or follows a link at that name, and with
     * {@code deviceOnly} it writes nothing unless the name is a character device, and prints
     * {@link #STREAMED_WRITE_OK} once it has written everything (which tells, as
     * {@link #streamedWriteCheck} does, that the member's tool takes these options). Exits
     * non-zero with the reason on stderr when it cannot write. Empty where this OS has no such tool; whether
     * the member's own tool takes it is what {@link #streamedWriteCheck} asks.
     */
    default java.util.Optional<String> streamedWrite(String file, boolean deviceOnly) {
        return java.util.Optional.empty();
    }

    /** The unit {@link #streamedWriteAt} counts its start in: a region of a file starts at a whole number of these. */
    long STREAMED_WRITE_BLOCK = 1024L * 1024;

    /**
     * As {@link #streamedWrite} (never a device), but its first byte goes {@code blocks} times
     * {@link #STREAMED_WRITE_BLOCK} into {@code file}, which keeps every byte outside what it
     * writes: one region of a file that several such writes fill side by side. Empty where this
     * OS has no such tool; where {@link #streamedWriteCheck} says {@link #streamedWrite} works,
     * this does too.
     */
    default java.util.Optional<String> streamedWriteAt(String file, long blocks) {
        return java.util.Optional.empty();
    }

    /** Prints {@link #STREAMED_WRITE_OK} where {@link #streamedWrite} works on the member; empty where it never does. */
    default java.util.Optional<String> streamedWriteCheck() {
        return java.util.Optional.empty();
    }

    /** What {@link #archiveExtractCheck} prints where {@link #archiveExtract} works, followed by a space and the umask in octal. */
    String ARCHIVE_EXTRACT_OK = "fleet-archive-extract-ok";

    /**
     * Shell text that extracts the tar archive on its stdin (regular files only, GNU long names,
     * names relative to the root folder) as the member's user: each file created anew (one
     * already under its name, a link included, is replaced, never written through), with the
     * archive's time and permission bits, never the archive's owner.
     * Exits non-zero when any file could not be written. Empty where this OS has no such tool;
     * whether the member's own tool takes it is what {@link #archiveExtractCheck} asks.
     */
    default java.util.Optional<String> archiveExtract() {
        return java.util.Optional.empty();
    }

    /** Prints {@link #ARCHIVE_EXTRACT_OK} where {@link #archiveExtract} works on the member; empty where it never does. */
    default java.util.Optional<String> archiveExtractCheck() {
        return java.util.Optional.empty();
    }

    /**
     * Prints {@code <sha256 hex>  <path>} for each file whose absolute path arrives NUL-separated on
     * stdin and that is a regular file, not a link, in a folder whose real path lies in
     * {@code realRoot} (the work folder's real path); any other is left out unread, as is a file
     * that cannot be read. Empty where this OS has no such tool.
     */
    default java.util.Optional<String> sha256Files(String realRoot) {
        return java.util.Optional.empty();
    }

    /**
     * Lists running agent CLI processes, one per line: {@code pid TAB cwd TAB command line}.
     * The cwd is empty where the OS cannot tell it.
     */
    String agentProcesses();

    /** Prints {@code key=value} lines: {@code load1}, {@code cpus}, {@code mem_total_kb}, {@code mem_available_kb}. */
    String systemProbe();

    /** Prints {@code key=value} lines for the folder's filesystem: {@code disk_total_kb}, {@code disk_available_kb}. */
    String diskProbe(String folder);

    /**
     * Prints one CSV line per GPU: utilization %, memory used MiB, memory total MiB. Non-zero exit
     * when there is no GPU tool.
     */
    String gpuUtilization();


    /**
     * Prints one line per process using a GPU for compute ({@code pid, used memory MiB}); nothing
     * when none. Exit status 127 when there is no GPU tool at all, another non-zero one when the
     * tool failed.
     */
    String gpuComputeProcesses();

    /**
     * Takes one GPU sample for the utilization policy, appends it to the member's sample history
     * ({@code ~/.fleet/gpu-samples}, which the on-instance guard appends to as well) and prints it
     * with the history of the last {@code windowSeconds}; empty where no such history is kept
     * (Windows: the plain {@link #gpuComputeProcesses} check applies there).
     *
     * <p>Output, each section introduced by a line {@code @@gpu:<name>}: {@code none} alone when
     * there is no nvidia-smi; {@code failed <exit>} alone when it failed; otherwise {@code now}
     * (epoch seconds on the member), {@code sample} (this look as a history line), {@code reading}
     * (as {@link #gpuUtilization}) and {@code history} (history lines, oldest first:
     * {@code <epoch seconds> <average utilization %|-> <pid:MiB,pid:MiB,…|->}).
     */
    java.util.Optional<String> gpuSample(long windowSeconds);

    /**
     * The commands of long-running tasks, where this OS can run them (their wrapper is a bash
     * script); empty on Windows members.
     */
    java.util.Optional<TaskCommands> tasks();
}
