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
