package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import java.io.File;
import java.util.List;

/** What Linux and macOS share: a POSIX shell and the usual tools. */
abstract class PosixCommands implements OsCommands {
    /** The agent CLI often installs into ~/.local/bin, which non-interactive shells may not have on PATH. */
    static final String AGENT_PATH = "PATH=\"$HOME/.local/bin:$HOME/.claude/local:$PATH\"; export PATH; ";

    @Override
    public List<String> shellArgv(String script) {
        String shell = new File("/bin/bash").canExecute() ? "/bin/bash" : "/bin/sh";
        return List.of(shell, "-c", script);
    }

    static final String RUN_TAG = "FLEET_RUN_ID";

    @Override
    public String remoteCommand(String script, String folder, String runId) {
        StringBuilder c = new StringBuilder();
        if (folder != null) {
            c.append("cd ").append(posix(folder)).append(" 2>/dev/null || { printf 'fleet: work folder %s does not exist on the member\\n' ")
                    .append(posix(folder)).append(" >&2; exit 127; }; ");
        }
        // exec keeps one process: the tag is in its environment from the start, and in every child's.
        c.append(RUN_TAG).append('=').append(runId).append(" exec \"$(command -v bash || echo sh)\" -c ").append(posix(script));
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
    public String liveTasks(long freshSeconds) {
        long minutes = Math.max(1, (freshSeconds + 59) / 60);
        return "for d in \"$HOME\"/.fleet-tasks/task-*/; do [ -d \"$d\" ] || continue; id=$(basename \"$d\"); "
                + "p=$(cat \"$d/task.pid\" 2>/dev/null); "
                + "if [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; then echo \"$id\"; "
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
