package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import java.io.File;
import java.util.List;

/** What Linux and macOS share: a POSIX shell and the usual tools. */
abstract class PosixCommands implements OsCommands, TaskCommands {
    /** The agent CLI often installs into ~/.local/bin, which non-interactive shells may not have on PATH. */
    static final String AGENT_PATH = "PATH=\"$HOME/.local/bin:$HOME/.claude/local:$PATH\"; export PATH; ";

    @Override
    public List<String> shellArgv(String script) {
        String shell = new File("/bin/bash").canExecute() ? "/bin/bash" : "/bin/sh";
        return List.of(shell, "-c", script);
    }

    @Override
    public String remoteCommand(String script, String folder, String runId) {
        StringBuilder c = new StringBuilder();
        if (folder != null) {
            c.append("cd ").append(posix(folder)).append(" 2>/dev/null || { printf 'fleet: work folder %s does not exist on the member\\n' ")
                    .append(posix(folder)).append(" >&2; exit 127; }; ");
        }
        // exec keeps one process: the tag is in its environment from the start, and in every child's.
        // The shell is chosen without a $(...) subshell: that fork cost ~2 ms on every call.
        c.append("if command -v bash >/dev/null 2>&1; then fleet_sh=bash; else fleet_sh=sh; fi; ")
                .append(RUN_TAG).append('=').append(runId).append(" exec \"$fleet_sh\" -c ").append(posix(script));
        return c.toString();
    }

    /** A key persisted by fleet (provision_auth) when the non-interactive shell did not load it. */
    static final String API_KEY_FROM_PROFILE = "[ -n \"${ANTHROPIC_API_KEY:-}\" ] || eval \"$(grep -h '^export ANTHROPIC_API_KEY=' "
            + "\"$HOME/.profile\" 2>/dev/null | tail -n 1)\"; ";
    static final String FLEET_MARK = "# added by apra-fleet";

    @Override
    public String agentPrompt(java.util.List<String> args) {
        StringBuilder c = new StringBuilder(AGENT_PATH).append(API_KEY_FROM_PROFILE)
                .append("fleet_prompt=\"$(base64 -d 2>/dev/null || base64 -D)\" || exit 90; ")
                .append("exec claude -p \"$fleet_prompt\"");
        for (String a : args) {
            c.append(' ').append(posix(a));
        }
        return c.toString();
    }

    @Override
    public String installAgentCredentials() {
        return "umask 077; mkdir -p \"$HOME/.claude\" && cat > \"$HOME/.claude/.credentials.json.fleet-tmp\" && "
                + "mv -f \"$HOME/.claude/.credentials.json.fleet-tmp\" \"$HOME/.claude/.credentials.json\" && "
                + "chmod 600 \"$HOME/.claude/.credentials.json\" && touch \"$HOME/.claude/.fleet-provisioned\"";
    }

    @Override
    public String persistApiKey() {
        // The key is read from stdin and checked against the characters API keys use, so the
        // quoted line written below can never be broken out of.
        return "umask 077; key=\"$(cat)\"; case \"$key\" in ''|*[!A-Za-z0-9_-]*) echo 'fleet: malformed key' >&2; exit 2;; esac; "
                + "for f in \"$HOME/.profile\" \"$HOME/.bashrc\" \"$HOME/.zshrc\"; do "
                + "[ -f \"$f\" ] || [ \"$f\" = \"$HOME/.profile\" ] || continue; touch \"$f\"; "
                + "grep -v '" + FLEET_MARK + "$' \"$f\" > \"$f.fleet-tmp\"; "
                + "printf \"export ANTHROPIC_API_KEY='%s' " + FLEET_MARK + "\\n\" \"$key\" >> \"$f.fleet-tmp\"; "
                + "cat \"$f.fleet-tmp\" > \"$f\"; rm -f \"$f.fleet-tmp\"; done";
    }

    @Override
    public String removeAgentAuth() {
        return "if [ -f \"$HOME/.claude/.fleet-provisioned\" ]; then rm -f \"$HOME/.claude/.credentials.json\" "
                + "\"$HOME/.claude/.fleet-provisioned\"; fi; "
                + "for f in \"$HOME/.profile\" \"$HOME/.bashrc\" \"$HOME/.zshrc\"; do [ -f \"$f\" ] || continue; "
                + "grep -v '" + FLEET_MARK + "$' \"$f\" > \"$f.fleet-tmp\"; cat \"$f.fleet-tmp\" > \"$f\"; rm -f \"$f.fleet-tmp\"; done; true";
    }

    @Override
    public String agentUpdate() {
        return AGENT_PATH + "claude update 2>&1";
    }

    @Override
    public String agentInstall() {
        return AGENT_PATH + "if command -v npm >/dev/null 2>&1; then npm install -g @anthropic-ai/claude-code 2>&1; "
                + "else curl -fsSL https://claude.ai/install.sh | bash 2>&1; fi";
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
        return TASK_FUNCTIONS + "for d in \"$HOME\"/.fleet-tasks/task-*/; do [ -d \"$d\" ] || continue; id=$(basename \"$d\"); "
                + "p=$(cat \"$d/task.pid\" 2>/dev/null); "
                + "if [ -n \"$p\" ] && fleet_alive \"$p\"; then echo \"$id\"; "
                + "elif grep -qE '\"status\":\"(completed|failed|cancelled)\"' \"$d/status.json\" 2>/dev/null; then :; "
                + "elif [ -n \"$(find \"$d/activity\" -mmin -" + minutes + " 2>/dev/null)\" ]; then echo \"$id\"; fi; done; true";
    }

    @Override
    public String gpuComputeProcesses() {
        return AGENT_PATH + "command -v nvidia-smi >/dev/null 2>&1 || exit 127; "
                + "nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits";
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
        return "f=\"$HOME/.ssh/authorized_keys\"; [ -f \"$f\" ] || exit 0; "
                + "grep -vxF " + line + " \"$f\" > \"$f.fleet-tmp\"; cat \"$f.fleet-tmp\" > \"$f\"; rm -f \"$f.fleet-tmp\"";
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
    public String agentVersion() {
        return AGENT_PATH + "claude --version 2>&1";
    }

    @Override
    public String diskProbe(String folder) {
        return "df -Pk -- " + posix(folder) + " | awk 'NR==2 {print \"disk_total_kb=\" $2; print \"disk_available_kb=\" $4}'";
    }

    @Override
    public String agentAuthProbe() {
        return "[ -f \"$HOME/.claude/.credentials.json\" ] && echo credentials_file; "
                + "[ -n \"${ANTHROPIC_API_KEY:-}\" ] && echo api_key; "
                + "grep -qs '^export ANTHROPIC_API_KEY=' \"$HOME/.profile\" \"$HOME/.bashrc\" \"$HOME/.zshrc\" && echo api_key; true";
    }

    // --- Long-running tasks (see OsCommands for the output formats).

    /** Shell functions for task checks: a pid is alive when it runs (zombies do not count) and is still the task's wrapper. */
    static final String TASK_FUNCTIONS = "fleet_alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null); case \"$s\" in "
            + "'') kill -0 \"$1\" 2>/dev/null ;; *Z*) return 1 ;; *) return 0 ;; esac; }; "
            + "fleet_task_alive() { fleet_alive \"$1\" || return 1; a=$(ps -o args= -p \"$1\" 2>/dev/null) || return 0; "
            + "case \"$a\" in '') return 0 ;; *\"/$2/run.sh\"*) return 0 ;; *) return 1 ;; esac; }; ";

    private static String taskVars(String taskId) {
        return "id=" + posix(taskId) + "; d=\"$HOME/.fleet-tasks/$id\"; ";
    }

    private static final String TASK_PID = "pid=$(cat \"$d/task.pid\" 2>/dev/null); case \"$pid\" in ''|*[!0-9]*) pid='' ;; esac; ";

    /** Ends every process whose environment holds {@code FLEET_TASK_ID=$id} (those that left the task's process group). */
    abstract String killTaskTagged();

    @Override
    public String taskLaunch(String taskId, long activitySeconds) {
        return "[ -n \"${HOME:-}\" ] || { echo 'fleet: HOME is not set on the member' >&2; exit 72; }; "
                + "command -v bash >/dev/null 2>&1 || { echo 'fleet: long-running tasks need bash on the member' >&2; exit 75; }; "
                + "umask 077; " + taskVars(taskId)
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
    public String taskReport(String taskId, int logLines) {
        return taskVars(taskId) + "[ -d \"$d\" ] || { echo '@@fleet-task:missing'; exit 0; }; " + TASK_FUNCTIONS
                + "echo '@@fleet-task:dir'; echo \"$d\"; "
                + "echo '@@fleet-task:pid'; " + TASK_PID
                + "if [ -n \"$pid\" ]; then if fleet_task_alive \"$pid\" \"$id\"; then echo \"$pid alive\"; else echo \"$pid dead\"; fi; fi; "
                + "echo '@@fleet-task:status'; cat \"$d/status.json\" 2>/dev/null; echo; "
                + "echo '@@fleet-task:activity'; cat \"$d/activity\" 2>/dev/null; echo \"now $(date +%s)\"; "
                + "echo '@@fleet-task:cancel'; [ -f \"$d/cancel\" ] && echo yes; "
                + "echo '@@fleet-task:gpu'; ( " + gpuUtilization() + " ) 2>/dev/null || echo unavailable; "
                + "echo '@@fleet-task:gpu-apps'; ( " + gpuComputeProcesses() + " ) 2>/dev/null || echo unavailable; "
                + "echo '@@fleet-task:log'; tail -n " + Math.max(1, logLines) + " \"$d/task.log\" 2>/dev/null; exit 0";
    }

    @Override
    public String taskStop(String taskId) {
        return taskVars(taskId) + "[ -d \"$d\" ] || { echo '@@fleet-task:missing'; exit 0; }; " + TASK_FUNCTIONS + TASK_PID
                + "running=no; [ -n \"$pid\" ] && fleet_task_alive \"$pid\" \"$id\" && running=yes; "
                + "if [ \"$running\" = no ] && ! grep -qE '\"status\":\"(running|retrying)\"' \"$d/status.json\" 2>/dev/null; then "
                + "echo '@@fleet-task:finished'; exit 0; fi; "
                + ": > \"$d/cancel\"; "
                + "if [ -n \"$pid\" ]; then "
                // The wrapper leads the task's process group; its TERM trap ends the command and records 'cancelled'.
                + "kill -TERM -- \"-$pid\" 2>/dev/null || { [ \"$running\" = yes ] && kill -TERM \"$pid\" 2>/dev/null; }; "
                + "i=0; while fleet_task_alive \"$pid\" \"$id\" && [ \"$i\" -lt 100 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
                + "kill -KILL -- \"-$pid\" 2>/dev/null; fleet_task_alive \"$pid\" \"$id\" && kill -KILL \"$pid\" 2>/dev/null; fi; "
                + killTaskTagged()
                + "if grep -qE '\"status\":\"(running|retrying)\"' \"$d/status.json\" 2>/dev/null; then "
                + "now=$(date -u +%Y-%m-%dT%H:%M:%SZ); "
                + "sed -e 's/\"status\":\"[a-z]*\"/\"status\":\"cancelled\"/' -e \"s/\\\"updated\\\":\\\"[^\\\"]*\\\"/\\\"updated\\\":\\\"$now\\\"/\" "
                + "\"$d/status.json\" > \"$d/status.json.tmp\" && mv -f \"$d/status.json.tmp\" \"$d/status.json\"; "
                + "printf '[fleet-task %s] task cancelled by stop_task (its wrapper had ended without recording it)\\n' \"$now\" "
                + ">> \"$d/task.log\"; fi; "
                + "rm -f \"$d/task.pid\"; echo '@@fleet-task:stopped'";
    }

    /**
     * Lines {@code pid TAB cwd TAB args} of processes that look like the agent CLI. The probe
     * shell and its own children are skipped: their command lines are this script, which may
     * quote folder names containing the word.
     */
    static String agentProcessLines(String cwdOfPid) {
        return "ps -axo pid=,ppid=,args= 2>/dev/null | while read -r pid ppid args; do "
                + "{ [ \"$pid\" = \"$$\" ] || [ \"$ppid\" = \"$$\" ]; } && continue; "
                + "case \"$args\" in *[c]laude*) "
                + "printf '%s\\t%s\\t%s\\n' \"$pid\" \"$(" + cwdOfPid + ")\" \"$args\";; esac; done; true";
    }
}
