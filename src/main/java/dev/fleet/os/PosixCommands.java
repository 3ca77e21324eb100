package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import java.util.List;

/** What Linux and macOS share: a POSIX shell and the usual tools. */
abstract class PosixCommands implements OsCommands, TaskCommands {
    /**
     * Tools fleet runs on the member (nvidia-smi) are looked for where the agent shell looks
     * ({@link AgentFolders}, ~/.local/bin first): folders tools install into that non-interactive
     * shells may not have on PATH.
     */
    static final String AGENT_PATH = AgentFolders.posixPathExport();

    @Override
    public List<String> shellArgv(String script) {
        return List.of(LocalShell.path(), "-c", script);
    }

    /**
     * {@code true}, not {@code :}: a failed redirection of a special builtin would end a POSIX sh.
     * The guard's folder is fleet's own, yet anything running as the member's user can plant links
     * in it: a linked folder is left alone, and a link in the heartbeat's place is removed rather
     * than truncating whatever it points at (every command in a folder runs this). {@code >|}: a
     * login shell set to noclobber (zsh's {@code .zshenv} is read by every command) would refuse
     * to truncate the heartbeat, and the guard would count a machine fleet uses as idle.
     */
    static final String GUARD_HEARTBEAT = "[ -d \"$HOME/.fleet/guard\" ] && [ ! -L \"$HOME/.fleet\" ] && [ ! -L \"$HOME/.fleet/guard\" ] "
            + "&& { [ ! -L \"$HOME/.fleet/guard/heartbeat\" ] || rm -f -- \"$HOME/.fleet/guard/heartbeat\"; } "
            + "&& true 2>/dev/null >| \"$HOME/.fleet/guard/heartbeat\"; ";

    @Override
    public String remoteCommand(String script, String folder, String runId) {
        StringBuilder c = new StringBuilder();
        if (folder != null) {
            // A command in a folder is real use (probes run without one): the on-instance guard's
            // heartbeat is refreshed on the way, with builtins only (no extra process, no round trip).
            c.append(GUARD_HEARTBEAT).append(sessionRecord(runId));
            c.append("cd ").append(posix(folder)).append(" 2>/dev/null || { printf 'fleet: work folder %s does not exist on the member\\n' ")
                    .append(posix(folder)).append(" >&2; exit 127; }; ");
        }
        // exec keeps one process: the tag is in its environment from the start, and in every child's.
        // The shell is chosen without a $(...) subshell: that fork cost ~2 ms on every call.
        c.append("if command -v bash >/dev/null 2>&1; then fleet_sh=bash; else fleet_sh=sh; fi; ")
                .append(RUN_TAG).append('=').append(runId).append(" exec \"$fleet_sh\" -c ").append(posix(script));
        return c.toString();
    }

    /** Shell that records the session a command in a work folder runs in (see {@link FleetSessions}); none by default. */
    String sessionRecord(String runId) {
        return "";
    }

    /**
     * Rewrites the file named by {@code $f} without the lines {@code grep <filter>} drops, then
     * runs {@code append} (shell that adds to {@code "$n"}, the new content; null: nothing), all or
     * nothing: the new content is built in a copy beside the file (same mode) and renamed over it,
     * so a failure at any step (a full disk, a read error) leaves the file as it was, removes the
     * copy, says so on stderr and sets {@code failed=1}. A linked file is edited where the link
     * points, so the user's link stays a link. The copy is made anew (noclobber) after whatever held
     * its name is removed: a link planted under that name is never written through.
     */
    static String rewrite(String filter, String append) {
        return "t=\"$f\"; if [ -L \"$f\" ]; then t=$(readlink -f -- \"$f\" 2>/dev/null) || t=''; fi; n=''; "
                + "if [ -n \"$t\" ] && n=\"$t.fleet-tmp\" && rm -f -- \"$n\" && ( set -C; : > \"$n\" ) && cp -p -- \"$t\" \"$n\" "
                + "&& { grep " + filter + " -- \"$t\" > \"$n\"; [ $? -le 1 ]; }"
                + (append == null ? "" : " && " + append)
                + " && mv -f -- \"$n\" \"$t\"; then :; else [ -z \"$n\" ] || rm -f -- \"$n\"; "
                + "printf 'fleet: could not rewrite %s; it was left as it was\\n' \"$f\" >&2; failed=1; fi; ";
    }

    @Override
    public String gpuUtilization() {
        return AGENT_PATH + "nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits";
    }

    @Override
    public java.util.Optional<TaskCommands> tasks() {
        return java.util.Optional.of(this);
    }

    @Override
    public String liveTasks(long freshSeconds) {
        long minutes = Math.max(1, (freshSeconds + 59) / 60);
        // A task launched with an interval of its own (status.json's activityIntervalSec) refreshes its
        // marker that often: fresh means within two of its intervals, not this server's.
        return TASKS_ROOT + TASK_FUNCTIONS + "for d in \"$HOME\"/.fleet-tasks/task-*/; do [ -d \"$d\" ] && [ ! -L \"${d%/}\" ] || continue; id=$(basename \"$d\"); "
                + TASK_PID + "if [ -n \"$pid\" ] && fleet_task_alive \"$pid\" \"$id\"; then echo \"$id\"; "
                + "elif grep -qE '\"status\":\"(completed|failed|cancelled|interrupted)\"' \"$d/status.json\" 2>/dev/null; then :; "
                + "else m=" + minutes + "; iv=$(grep -oE '\"activityIntervalSec\":[0-9]{1,7}' \"$d/status.json\" 2>/dev/null "
                + "| head -n 1 | tr -dc '0-9'); [ -n \"$iv\" ] && [ \"$iv\" -gt 0 ] && [ \"$iv\" -le 86400 ] && m=$(( (2 * iv + 59) / 60 )); "
                + "[ -n \"$(find \"$d/activity\" -mmin -\"$m\" 2>/dev/null)\" ] && echo \"$id\"; fi; done; true";
    }

    @Override
    public String gpuComputeProcesses() {
        return AGENT_PATH + "command -v nvidia-smi >/dev/null 2>&1 || exit 127; "
                + "nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits";
    }

    /** GPU sample history kept on the member: more than a day at one sample a minute. */
    static final int GPU_SAMPLES_KEPT = 1500;

    @Override
    public java.util.Optional<String> gpuSample(long windowSeconds) {
        // At most GPU_SAMPLES_KEPT lines (about 40 KB) are printed: within the inline output limit.
        return java.util.Optional.of(AGENT_PATH + GpuHoldersCpu.FUNCTION + "\n"
                + "command -v nvidia-smi >/dev/null 2>&1 || { echo '@@gpu:none'; exit 0; }; "
                + "u=$(nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits 2>/dev/null) "
                + "|| { echo \"@@gpu:failed $?\"; exit 0; }; "
                + "a=$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null) "
                + "|| { echo \"@@gpu:failed $?\"; exit 0; }; "
                + "now=$(date +%s); "
                // The busiest GPU, not the average: one GPU of eight at full load is a job at work.
                + "top=$(printf '%s\\n' \"$u\" | awk -F', *' '$1 ~ /^[0-9]+$/ {if (!n || $1 > m) m = $1; n++} END {if (n) printf \"%d\", m; else printf \"-\"}'); "
                + "procs=$(printf '%s\\n' \"$a\" | awk -F', *' '$1 ~ /^[0-9]+$/ {printf \"%s%s:%s\", sep, $1, ($2 ~ /^[0-9]+$/ ? $2 : 0); sep=\",\"}'); "
                + "[ -n \"$procs\" ] || procs=-; "
                // Memory held at 0 %: do the holders work on the CPU meanwhile (a job's CPU phase)?
                + "cpu=-; if [ \"$procs\" != - ] && [ \"$top\" = 0 ]; then cpu=$(fleet_holders_cpu \"$procs\"); fi; "
                + "f=\"$HOME/.fleet/gpu-samples\"; "
                // The history lives in fleet's own folder: not kept when that is a link, and a link in
                // the file's (or its copy's) place is removed, never written through.
                + "if [ ! -L \"$HOME/.fleet\" ] && mkdir -p \"$HOME/.fleet\" 2>/dev/null; then chmod 700 \"$HOME/.fleet\" 2>/dev/null; "
                + "for x in \"$f\" \"$f.tmp\"; do [ ! -L \"$x\" ] || rm -f -- \"$x\"; done; "
                + "printf '%s %s %s %s\\n' \"$now\" \"$top\" \"$procs\" \"$cpu\" >> \"$f\"; "
                + "if [ \"$(wc -l < \"$f\")\" -gt " + (2 * GPU_SAMPLES_KEPT) + " ]; then tail -n " + GPU_SAMPLES_KEPT
                + " \"$f\" > \"$f.tmp\" && mv -f \"$f.tmp\" \"$f\"; fi; fi; "
                + "echo '@@gpu:now'; echo \"$now\"; echo '@@gpu:sample'; printf '%s %s %s %s\\n' \"$now\" \"$top\" \"$procs\" \"$cpu\"; "
                + "echo '@@gpu:reading'; printf '%s\\n' \"$u\"; echo '@@gpu:history'; "
                + "awk -v since=$((now - " + Math.max(60, windowSeconds) + ")) '$1 >= since' \"$f\" 2>/dev/null | tail -n "
                + GPU_SAMPLES_KEPT + "; true");
    }

    @Override
    public String homeFolder() {
        return "printf '%s\\n' \"$HOME\"";
    }

    @Override
    public String authorizeKey(String publicKeyLine) {
        String line = posix(publicKeyLine);
        return "umask 077; mkdir -p \"$HOME/.ssh\" && touch \"$HOME/.ssh/authorized_keys\" && "
                + "{ grep -qxF " + line + " \"$HOME/.ssh/authorized_keys\" || printf '%s\\n' " + line
                + " >> \"$HOME/.ssh/authorized_keys\"; } && chmod 600 \"$HOME/.ssh/authorized_keys\"";
    }

    @Override
    public String revokeKey(String publicKeyLine) {
        String line = posix(publicKeyLine);
        return "failed=0; f=\"$HOME/.ssh/authorized_keys\"; [ -f \"$f\" ] || exit 0; "
                + "grep -qxF -e " + line + " -- \"$f\" 2>/dev/null; [ $? = 1 ] && exit 0; "
                + rewrite("-vxF -e " + line, null) + "exit $failed";
    }

    @Override
    public String makeDirectory(String folder) {
        return "mkdir -p -- " + posix(folder);
    }

    @Override
    public String folderExists(String folder) {
        return "if [ -d " + posix(folder) + " ]; then echo yes; else echo no; fi";
    }

    @Override
    public java.util.Optional<String> resolvedFolder(String folder) {
        return java.util.Optional.of("cd -- " + posix(folder) + " 2>/dev/null && pwd -P");
    }

    /**
     * GNU dd into an existing file ({@code nocreat}) without truncating it ({@code notrunc}) or
     * following a link at its name ({@code nofollow}); silent unless it fails. Other dd programs
     * (BSD's on macOS, BusyBox's) refuse these options, which {@link #streamedWriteCheck} finds
     * out before anything is sent.
     */
    private static final String DD_OPTIONS = "oflag=nofollow conv=notrunc,nocreat status=none";
    /** dd's block, {@link OsCommands#STREAMED_WRITE_BLOCK} (in MiB, as dd writes it), which its {@code seek} counts in. */
    private static final String DD_BLOCK = "bs=" + STREAMED_WRITE_BLOCK / (1024 * 1024) + "M";
    private static final String DD_INTO = "dd " + DD_BLOCK + " " + DD_OPTIONS + " of=";

    @Override
    public java.util.Optional<String> streamedWrite(String file, boolean deviceOnly) {
        String quoted = posix(file);
        if (deviceOnly) {
            return java.util.Optional.of("[ -c " + quoted + " ] || { echo 'fleet: not a character device' >&2; exit 3; }; "
                    + DD_INTO + quoted + " && echo " + STREAMED_WRITE_OK);
        }
        return java.util.Optional.of(beforeStreamedRead() + "exec " + DD_INTO + quoted);
    }

    /** Shell run before a stream's copy tool starts reading stdin (ending in {@code "; "}); nothing by default. */
    String beforeStreamedRead() {
        return "";
    }

    /**
     * The same dd, its output started {@code blocks} of its 1 MiB blocks in ({@code seek}, which
     * every dd takes, in units of its block size); {@code notrunc} keeps the rest of the file.
     */
    @Override
    public java.util.Optional<String> streamedWriteAt(String file, long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("a region starts at block 0 or later, not " + blocks);
        }
        return java.util.Optional.of(beforeStreamedRead() + "exec dd " + DD_BLOCK + " seek=" + blocks + " " + DD_OPTIONS + " of=" + posix(file));
    }

    @Override
    public java.util.Optional<String> streamedWriteCheck() {
        return java.util.Optional.of(DD_INTO + "/dev/null </dev/null && echo " + STREAMED_WRITE_OK);
    }

    /**
     * GNU tar, reading the archive from stdin. The permission bits are the archive's, exactly (as
     * SFTP's set-attributes gives them; the sender puts what the user's umask would give where it
     * has no bits of its own to send); the owner is never the archive's (as root, tar would take
     * it by default); timestamp warnings (a file from 1970 or from the future is sent as it is) are
     * not errors. GNU tar removes whatever is under a name before it creates the file there, so a
     * link at that name is replaced, not followed. Other tar programs (BSD's on macOS, BusyBox's)
     * differ in these points, which {@link #archiveExtractCheck} finds out before anything is sent.
     */
    private static final String TAR_FROM_STDIN = "tar -x --same-permissions --no-same-owner --warning=no-timestamp -f -";

    @Override
    public java.util.Optional<String> archiveExtract() {
        return java.util.Optional.of("cd / && exec " + TAR_FROM_STDIN);
    }

    /**
     * GNU tar by its own words, then an empty archive through the very options
     * {@link #archiveExtract} uses; the mark is followed by the shell's umask.
     */
    @Override
    public java.util.Optional<String> archiveExtractCheck() {
        return java.util.Optional.of("case \"$(tar --version 2>/dev/null)\" in 'tar (GNU tar)'*) head -c 1024 /dev/zero | "
                + TAR_FROM_STDIN + " && echo " + ARCHIVE_EXTRACT_OK + " \"$(umask)\";; esac");
    }

    @Override
    public String diskProbe(String folder) {
        return "df -Pk -- " + posix(folder) + " | awk 'NR==2 {print \"disk_total_kb=\" $2; print \"disk_available_kb=\" $4}'";
    }

    // --- Long-running tasks (see OsCommands for the output formats).

    /**
     * Shell functions for task checks: a pid is alive when it runs (zombies do not count) and is
     * still the task's wrapper; 0, 1 or a pid written with leading zeros never is.
     */
    static final String TASK_FUNCTIONS = "fleet_alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null); case \"$s\" in "
            + "'') kill -0 \"$1\" 2>/dev/null ;; *Z*) return 1 ;; *) return 0 ;; esac; }; "
            + "fleet_task_alive() { case \"$1\" in ''|*[!0-9]*|0*|1) return 1 ;; esac; fleet_alive \"$1\" || return 1; "
            + "a=$(ps -o args= -p \"$1\" 2>/dev/null) || return 0; "
            + "case \"$a\" in '') return 0 ;; *\"/$2/run.sh\"*) return 0 ;; *) return 1 ;; esac; }; "
            // The task folder's files are fleet's own: a symbolic link planted among them is never
            // followed. A file is written anew and exclusively (noclobber never opens through a link);
            // the log is appended to once a link in its place has been removed.
            + "fleet_new() { rm -f -- \"$1\" && ( set -C; cat > \"$1\" ); }; "
            + "fleet_log() { [ ! -L \"$d/task.log\" ] || rm -f -- \"$d/task.log\"; cat >> \"$d/task.log\"; }; "
            + "fleet_status_is() { [ ! -L \"$d/status.json\" ] && grep -qE \"\\\"status\\\":\\\"($1)\\\"\" \"$d/status.json\" 2>/dev/null; }; ";

    /**
     * Of the absolute paths arriving NUL-separated on stdin, passes on (NUL-separated) those of
     * regular files, not links, whose folder's real path lies in {@code realRoot}: a link, or a
     * folder a link leads out of the work folder, is never opened. One real-path look per folder.
     */
    static String filesInside(String realRoot) {
        String root = realRoot.endsWith("/") ? realRoot.substring(0, realRoot.length() - 1) : realRoot;
        return "xargs -0 sh -c 'root=$1; shift; last=; real=; for f do [ -f \"$f\" ] && [ ! -L \"$f\" ] || continue; "
                + "dir=${f%/*}; [ -n \"$dir\" ] || dir=/; if [ \"$dir\" != \"$last\" ]; then last=$dir; "
                + "real=$(cd -P -- \"$dir\" 2>/dev/null && pwd -P) || real=; fi; "
                + "[ -n \"$real\" ] || continue; case \"$real/\" in \"$root\"/*) printf \"%s\\0\" \"$f\" ;; esac; done' sh "
                + posix(root);
    }

    /**
     * The folder of every task, and each task's folder, are made by fleet (with mkdir): one that is
     * a symbolic link was planted, and is refused, with a message and exit {@code code}; nothing in
     * or behind it is read or written, and the folder it points at keeps its permissions.
     */
    private static String noLinkedTaskFolders(int code) {
        return "[ -L \"$HOME/.fleet-tasks\" ] && { echo \"fleet: $HOME/.fleet-tasks is a symbolic link, not the folder fleet "
                + "made for tasks; it is not followed\" >&2; exit " + code + "; }; "
                + "[ -L \"$d\" ] && { echo \"fleet: $d is a symbolic link, not a task folder fleet made; it is not followed\" >&2; "
                + "exit " + code + "; }; ";
    }

    /** For a look at one task: exit 3 with the message. */
    private static final String NO_LINKED_TASK_DIR = noLinkedTaskFolders(3);

    /** For a look at every task: a linked folder of tasks holds none of fleet's. */
    private static final String TASKS_ROOT = "[ -d \"$HOME/.fleet-tasks\" ] && [ ! -L \"$HOME/.fleet-tasks\" ] || exit 0; ";

    private static String taskVars(String taskId) {
        return "id=" + posix(taskId) + "; d=\"$HOME/.fleet-tasks/$id\"; ";
    }

    /**
     * The wrapper's pid from {@code task.pid}, a file on the member: digits only, and never 0, 1 or
     * one written with leading zeros ({@code kill -- -1} would signal every process of the user).
     */
    private static final String TASK_PID = "pid=$([ -L \"$d/task.pid\" ] || cat \"$d/task.pid\" 2>/dev/null); case \"$pid\" in ''|*[!0-9]*|0*|1) pid='' ;; esac; ";

    @Override
    public String markResumable(String taskId) {
        return taskVars(taskId) + NO_LINKED_TASK_DIR
                + "[ -d \"$d\" ] && rm -f -- \"$d/resume-on-restart\" && ( set -C; : > \"$d/resume-on-restart\" )";
    }

    /**
     * The umask a task's command gets back from its wrapper (task-wrapper.sh), which makes its own
     * files under umask 077 as the launch does: files a task makes in the work folder are then as
     * open as those execute_command makes, not owner-only.
     */
    private static final String KEEP_UMASK = "FLEET_TASK_UMASK=$(umask); export FLEET_TASK_UMASK; ";

    @Override
    public String resumeInterrupted() {
        return TASKS_ROOT + "unset FLEET_RUN_ID; " + KEEP_UMASK + "umask 077; " + TASK_FUNCTIONS
                + "for d in \"$HOME\"/.fleet-tasks/task-*/; do d=${d%/}; [ -L \"$d\" ] && continue; "
                + "[ -f \"$d/resume-on-restart\" ] || continue; id=${d##*/}; "
                + "fleet_status_is 'running|retrying|resumed' || continue; "
                + "pid=$([ -L \"$d/task.pid\" ] || tr -dc '0-9' 2>/dev/null < \"$d/task.pid\"); "
                + "if [ -n \"$pid\" ] && fleet_task_alive \"$pid\" \"$id\"; then continue; fi; "
                + "now=$(date -u +%Y-%m-%dT%H:%M:%SZ); "
                + "sed -e 's/\"status\":\"[a-z]*\"/\"status\":\"interrupted\"/' -e \"s/\\\"updated\\\":\\\"[^\\\"]*\\\"/\\\"updated\\\":\\\"$now\\\"/\" "
                + "\"$d/status.json\" | fleet_new \"$d/status.json.tmp\" && mv -f \"$d/status.json.tmp\" \"$d/status.json\"; rm -f \"$d/task.pid\"; "
                + "if mkdir \"$d/resumed\" 2>/dev/null; then "
                + "what='the command'; [ -s \"$d/restart.sh\" ] && what=restart_command; "
                + "printf '[fleet-task %s] interrupted by an instance stop; relaunched once with %s\\n' \"$now\" \"$what\" | fleet_log; "
                + "iv=$(grep -oE '\"activityIntervalSec\":[0-9]+' \"$d/status.json\" | tr -dc '0-9'); [ -n \"$iv\" ] || iv=300; "
                + "FLEET_TASK_RESUME=1 FLEET_TASK_ACTIVITY_INTERVAL=$iv; export FLEET_TASK_RESUME FLEET_TASK_ACTIVITY_INTERVAL; "
                + "if command -v setsid >/dev/null 2>&1; then nohup setsid bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & "
                + "else ( set -m; nohup bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & ); fi; "
                + "i=0; while grep -q '\"status\":\"interrupted\"' \"$d/status.json\" 2>/dev/null && [ \"$i\" -lt 100 ]; do "
                + "sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; echo \"resumed $id\"; "
                + "else printf '[fleet-task %s] interrupted by an instance stop again; it was resumed once already and is not relaunched\\n' "
                + "\"$now\" | fleet_log; echo \"interrupted $id\"; fi; done; true";
    }

    /** Ends every process whose environment holds {@code FLEET_TASK_ID=$id} (those that left the task's process group). */
    abstract String killTaskTagged();

    /**
     * A shell condition: the process {@code pid} (shell text) carries {@code FLEET_TASK_ID=$id} in
     * its environment, so it belongs to the task's process tree, even after its wrapper died.
     */
    abstract String taskTagged(String pid);

    @Override
    public String taskLaunch(String taskId, long activitySeconds) {
        return "[ -n \"${HOME:-}\" ] || { echo 'fleet: HOME is not set on the member' >&2; exit 72; }; "
                + "command -v bash >/dev/null 2>&1 || { echo 'fleet: long-running tasks need bash on the member' >&2; exit 75; }; "
                + KEEP_UMASK + "umask 077; " + taskVars(taskId) + noLinkedTaskFolders(71)
                + "mkdir -p \"$HOME/.fleet-tasks\" && chmod 700 \"$HOME/.fleet-tasks\" || exit 71; "
                + "if ! mkdir \"$d\" 2>/dev/null; then [ -e \"$d\" ] && { echo fleet-task-exists; exit 73; }; "
                + "echo \"fleet: cannot create $d\" >&2; exit 71; fi; "
                + "echo \"fleet-task-dir=$d\"; "
                + "cat > \"$d/run.sh\" && chmod 700 \"$d/run.sh\" || exit 74; "
                // The task must not carry the launching command's tag: a later timeout kill must never reach it.
                + "unset FLEET_RUN_ID; FLEET_TASK_ACTIVITY_INTERVAL=" + activitySeconds + "; export FLEET_TASK_ACTIVITY_INTERVAL; "
                + "if command -v setsid >/dev/null 2>&1; then nohup setsid bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & "
                + "else set -m; nohup bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & fi; "
                + "i=0; while [ ! -f \"$d/status.json\" ] && [ \"$i\" -lt 100 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
                + "if [ -f \"$d/status.json\" ]; then echo fleet-task-started; else echo fleet-task-not-started; fi";
    }

    @Override
    public String taskReport(String taskId, int logLines, int logBytes) {
        return taskVars(taskId) + NO_LINKED_TASK_DIR + "[ -d \"$d\" ] || { echo '@@fleet-task:missing'; exit 0; }; " + TASK_FUNCTIONS
                + "echo '@@fleet-task:dir'; echo \"$d\"; "
                + "echo '@@fleet-task:pid'; " + TASK_PID
                + "if [ -n \"$pid\" ]; then if fleet_task_alive \"$pid\" \"$id\"; then echo \"$pid alive\"; else echo \"$pid dead\"; fi; fi; "
                + "echo '@@fleet-task:status'; [ -L \"$d/status.json\" ] || cat \"$d/status.json\" 2>/dev/null; echo; "
                + "echo '@@fleet-task:activity'; [ -L \"$d/activity\" ] || cat \"$d/activity\" 2>/dev/null; echo \"now $(date +%s)\"; "
                + "echo '@@fleet-task:cancel'; [ -f \"$d/cancel\" ] && [ ! -L \"$d/cancel\" ] && echo yes; "
                + "echo '@@fleet-task:gpu'; ( " + gpuUtilization() + " ) 2>/dev/null || echo unavailable; "
                + "echo '@@fleet-task:gpu-apps'; if apps=$( ( " + gpuComputeProcesses() + " ) 2>/dev/null ); then "
                + "printf '%s\\n' \"$apps\" | while IFS=', ' read -r p mem rest; do case \"$p\" in ''|*[!0-9]*) continue ;; esac; "
                + "if " + taskTagged("$p") + "; then echo \"$p, $mem, task\"; else echo \"$p, $mem, other\"; fi; done; "
                + "else echo unavailable; fi; "
                + "echo '@@fleet-task:log'; if [ -L \"$d/task.log\" ]; then "
                + "echo '[fleet: task.log is a symbolic link, not the log the task wrote; it was not read]'; "
                + "else tail -c " + Math.max(1, logBytes) + " \"$d/task.log\" 2>/dev/null | tail -n " + Math.max(1, logLines) + "; fi; exit 0";
    }

    @Override
    public String taskStop(String taskId) {
        return taskVars(taskId) + NO_LINKED_TASK_DIR + "[ -d \"$d\" ] || { echo '@@fleet-task:missing'; exit 0; }; " + TASK_FUNCTIONS + TASK_PID
                + "running=no; [ -n \"$pid\" ] && fleet_task_alive \"$pid\" \"$id\" && running=yes; "
                + "if [ \"$running\" = no ] && ! fleet_status_is 'running|retrying|resumed|interrupted'; then "
                + "echo '@@fleet-task:finished'; exit 0; fi; "
                + "fleet_new \"$d/cancel\" < /dev/null; "
                // The wrapper leads the task's process group; its TERM trap ends the command and records 'cancelled'.
                // Only a wrapper seen alive as this task's is signalled, with its group: the pid of one that
                // died may belong to another process by now. The task's own processes carry its tag and
                // are ended below either way.
                + "if [ \"$running\" = yes ]; then "
                + "kill -TERM -- \"-$pid\" 2>/dev/null || kill -TERM \"$pid\" 2>/dev/null; "
                + "i=0; while fleet_task_alive \"$pid\" \"$id\" && [ \"$i\" -lt 100 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
                + "kill -KILL -- \"-$pid\" 2>/dev/null; fleet_task_alive \"$pid\" \"$id\" && kill -KILL \"$pid\" 2>/dev/null; fi; "
                + killTaskTagged()
                + "if fleet_status_is 'running|retrying|resumed|interrupted'; then "
                + "now=$(date -u +%Y-%m-%dT%H:%M:%SZ); "
                + "sed -e 's/\"status\":\"[a-z]*\"/\"status\":\"cancelled\"/' -e \"s/\\\"updated\\\":\\\"[^\\\"]*\\\"/\\\"updated\\\":\\\"$now\\\"/\" "
                + "\"$d/status.json\" | fleet_new \"$d/status.json.tmp\" && mv -f \"$d/status.json.tmp\" \"$d/status.json\"; "
                + "printf '[fleet-task %s] task cancelled by stop_task (its wrapper had ended without recording it)\\n' \"$now\" "
                + "| fleet_log; fi; "
                + "rm -f \"$d/task.pid\"; echo '@@fleet-task:stopped'";
    }

    @Override
    public java.util.Optional<String> transfersAndLogins(int activeWithinMinutes) {
        // ps failing must read as unknown, not as no transfer. Each SFTP session's byte counters
        // go to the caller, which compares them between looks (SftpCounters). A login counts while
        // its terminal saw input within the idle time (who -u's idle column): a session left open
        // for days, or a stale record whose terminal is gone ('?'), is nobody working. The PATH is
        // the agents' (~/.local/bin first), as for every look.
        return java.util.Optional.of(AGENT_PATH + needs("ps") + needs("awk") + SftpCounters.FUNCTION + "\nu=$(id -u) || exit 3; "
                + "p=$(ps -o pid=,args= -u \"$u\") || exit 3; "
                + "s=$(printf '%s\\n' \"$p\" | awk '" + TransferServers.AWK_CONDITION + " { print $1 }') || exit 3; n=0; "
                + "for t in $s; do n=$((n + 1)); c=$(fleet_sftp_counters \"$t\"); echo \"transfer $t ${c:--}\"; done; "
                + "echo \"transfers $n\"; "
                + "command -v who >/dev/null 2>&1 || exit 0\n" + ActiveLogins.FUNCTION
                + "\necho \"logins $(fleet_active_logins " + Math.max(1, activeWithinMinutes) + ")\"");
    }

    /**
     * Ends a check with exit 3 (which the caller reads as "could not check", never as idle) when a
     * tool it needs is missing: without it the pipeline would print nothing and look idle.
     */
    static String needs(String tool) {
        return "command -v " + tool + " >/dev/null 2>&1 || { echo 'fleet: " + tool + " not found' >&2; exit 3; }; ";
    }

    /**
     * Lines {@code pid TAB cwd TAB args} of processes that look like an agent CLI of any kind
     * ({@link AgentProcessNames}). The probe shell and its own children are skipped: their command
     * lines are this script, which may quote folder names containing the words.
     */
    static String agentProcessLines(String cwdOfPid) {
        return needs("ps") + "ps -axo pid=,ppid=,args= 2>/dev/null | grep -E '" + AgentProcessNames.POSIX_ERE + "' | while read -r pid ppid args; do "
                + "{ [ \"$pid\" = \"$$\" ] || [ \"$ppid\" = \"$$\" ]; } && continue; "
                + "printf '%s\\t%s\\t%s\\n' \"$pid\" \"$(" + cwdOfPid + ")\" \"$args\"; done; true";
    }
}
