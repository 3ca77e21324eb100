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
