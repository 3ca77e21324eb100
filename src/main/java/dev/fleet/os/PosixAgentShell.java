package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import java.util.List;

/** Agent CLI shell text for Linux and macOS members (POSIX sh; bash where the wrapper needs job control). */
final class PosixAgentShell implements AgentShell {
    /** Puts the folders agent CLIs install into before PATH (see {@link AgentFolders}). */
    static final String AGENT_PATH = AgentFolders.posixPathExport();
    private static final String FLEET_MARK = "# added by apra-fleet";
    private static final String PROFILES = "\"$HOME/.profile\" \"$HOME/.bashrc\" \"$HOME/.zshrc\"";
    /**
     * Where persisted API keys live: a file only its owner can read, which the profiles source.
     * Profiles are commonly readable by every user of the machine (0644), and may be links into a
     * dotfiles repository, so a key never goes into one.
     */
    static final String KEY_FILE = "\"$HOME/.apra-fleet-keys\"";
    /** A key line an earlier fleet wrote into a profile, for any variable (grep pattern, quoted). */
    private static final String OLD_KEY_LINE = "'^export [A-Za-z_][A-Za-z0-9_]*=.*" + FLEET_MARK + "$'";
    /** The line each profile gets instead of a key (it names the file, never a value). */
    private static final String SOURCE_LINE = "[ -f \"$HOME/.apra-fleet-keys\" ] && . \"$HOME/.apra-fleet-keys\" " + FLEET_MARK;
    private static final String RUN_TAG = "FLEET_PROMPT_RUN";

    private final boolean macos;

    PosixAgentShell(boolean macos) {
        this.macos = macos;
    }

    @Override
    public String cli(String executable, List<String> args) {
        return AGENT_PATH + command(executable, args) + " 2>&1";
    }

    private static String command(String executable, List<String> args) {
        StringBuilder c = new StringBuilder(executable);
        args.forEach(a -> c.append(' ').append(posix(a)));
        return c.toString();
    }

    @Override
    public String install(Installer installer) {
        String npm = installer.npmPackage() == null ? null : "npm install -g " + posix(installer.npmPackage()) + " 2>&1";
        String script = installer.posixScriptUrl() == null ? null
                : "curl -fsSL " + posix(installer.posixScriptUrl()) + " | bash 2>&1";
        if (npm == null) {
            return AGENT_PATH + script;
        }
        String otherwise = script != null ? script
                : "echo " + posix("fleet: npm is needed to install " + installer.npmPackage() + " (install Node.js first)") + " >&2; exit 127";
        return AGENT_PATH + "if command -v npm >/dev/null 2>&1; then " + npm + "; else " + otherwise + "; fi";
    }

    @Override
    public String authProbe(List<String> homeFiles, List<String> variables) {
        StringBuilder c = new StringBuilder();
        for (String f : homeFiles) {
            c.append("[ -f \"$HOME\"/").append(posix(f)).append(" ] && echo ").append(posix("file " + f)).append("; ");
        }
        for (String v : variables) {
            checkVariable(v);
            // Profiles too: an earlier fleet wrote keys there.
            c.append("{ [ -n \"${").append(v).append(":-}\" ] || grep -qs '^export ").append(v).append("=' ").append(KEY_FILE)
                    .append(' ').append(PROFILES).append("; } && echo ").append(posix("variable " + v)).append("; ");
        }
        return c.append("true").toString();
    }

    @Override
    public String persistVariable(String variable) {
        checkVariable(variable);
        // The value is read from stdin and checked against the characters keys and tokens use, so
        // the quoted line written below can never be broken out of.
        // The key file is owner-only (made so, and kept so by the rewrite's copy of its mode). Each
        // profile loses any key line an earlier fleet wrote there and gets the one line that
        // sources the file; a profile that fails keeps its old content, and the call fails.
        return "{ set +x; } 2>/dev/null; umask 077; key=\"$(cat)\"; "
                + "case \"$key\" in ''|*[!A-Za-z0-9_-]*) echo 'fleet: malformed key' >&2; exit 2;; esac; "
                // The key file is fleet's own: a link in its place (to a file others may read, or that
                // is not the user's) is refused, never written through.
                + "failed=0; f=" + KEY_FILE + "; [ -L \"$f\" ] && { echo 'fleet: ~/.apra-fleet-keys is a symbolic link; "
                + "fleet writes no key through it (remove the link and provision again)' >&2; exit 1; }; "
                + "{ [ -f \"$f\" ] || ( set -C; : > \"$f\" ); } && chmod 600 \"$f\" || exit 1; "
                + PosixCommands.rewrite("-v -e '^export " + variable + "='",
                        "printf \"export " + variable + "='%s'\\n\" \"$key\" >> \"$n\"")
                + "[ $failed = 0 ] || exit 1; "
                // Key lines an earlier fleet wrote into the profiles for other variables move into the
                // file first (unless it has that variable already), so none stays readable by others.
                + "for f in " + PROFILES + "; do [ -f \"$f\" ] && grep -h -e " + OLD_KEY_LINE + " -- \"$f\"; done 2>/dev/null "
                + "| while IFS= read -r l; do v=${l#export }; v=${v%%=*}; [ \"$v\" = " + variable + " ] && continue; "
                + "grep -qs \"^export $v=\" " + KEY_FILE + " || printf '%s\\n' \"${l% " + FLEET_MARK + "}\" >> " + KEY_FILE + "; done; "
                + "for f in " + PROFILES + "; do "
                + "[ -f \"$f\" ] || [ \"$f\" = \"$HOME/.profile\" ] || continue; [ -e \"$f\" ] || touch \"$f\" || { failed=1; continue; }; "
                + PosixCommands.rewrite("-v -e " + OLD_KEY_LINE + " -e '^\\[ -f \"$HOME/.apra-fleet-keys\" \\].*"
                        + FLEET_MARK + "$'", "printf '%s\\n' " + posix(SOURCE_LINE) + " >> \"$n\"")
                + "done; exit $failed";
    }

    @Override
    public String installHomeFile(HomeFile file) {
        // Written owner-only (umask) beside the file and renamed into place; a copy that fails midway
        // (a full disk) is removed, never left behind. The marker comes right after the rename, so
        // remove_member finds every file fleet put there.
        // The copy is a new file (noclobber: a file or link planted under its name is removed
        // first, never written through), and the rename replaces a link at the file's own name.
        return "umask 077; f=\"$HOME\"/" + posix(file.path()) + "; mkdir -p \"$(dirname \"$f\")\" && "
                + "{ rm -f -- \"$f.fleet-tmp\" && ( set -C; cat > \"$f.fleet-tmp\" ) && mv -f -- \"$f.fleet-tmp\" \"$f\" "
                + "|| { rm -f -- \"$f.fleet-tmp\"; exit 1; }; } && "
                + "touch \"$HOME\"/" + posix(file.marker()) + " && chmod 600 \"$f\"";
    }

    @Override
    public String removeFleetAuth(List<HomeFile> files) {
        StringBuilder c = new StringBuilder();
        for (HomeFile f : files) {
            c.append("if [ -f \"$HOME\"/").append(posix(f.marker())).append(" ]; then rm -f \"$HOME\"/").append(posix(f.path()))
                    .append(" \"$HOME\"/").append(posix(f.marker())).append("; fi; ");
        }
        // Each profile is rewritten all or nothing (see PosixCommands.rewrite): a full disk never truncates it.
        return c.append("rm -f ").append(KEY_FILE).append("; failed=0; for f in ").append(PROFILES).append("; do [ -f \"$f\" ] || continue; ")
                .append("grep -q -e '").append(FLEET_MARK).append("$' -- \"$f\" 2>/dev/null; [ $? = 1 ] && continue; ")
                .append(PosixCommands.rewrite("-v -e '" + FLEET_MARK + "$'", null))
                .append("done; exit $failed").toString();
    }

    /** The {@code pid} file of the run folder in shell variable {@code dir}, as written (its user checks it is digits); a link is not read. */
    private static String readPid(String dir) {
        return "[ -L \"$" + dir + "/pid\" ] || head -c 16 \"$" + dir + "/pid\" 2>/dev/null";
    }

    private static String runDir(String runId) {
        return "\"$HOME/.fleet-prompts/" + runId + "\"";
    }

    @Override
    public String launchPrompt(PromptLaunch l) {
        String exe = l.executable();
        // Tracing a login environment may have turned on (BASH_ENV with set -x) would print the key
        // into the output fleet returns: off before anything touches it.
        StringBuilder c = new StringBuilder("{ set +x; } 2>/dev/null; umask 077; ")
                .append("fleet_b64d() { base64 -d 2>/dev/null || base64 -D; }; ")
                .append("r=\"$HOME/.fleet-prompts\"; d=").append(runDir(l.runId())).append("; ")
                // The runs' folder is fleet's own: one that is a link was planted, and its clean-up
                // below would delete folders wherever it points.
                .append("[ -L \"$r\" ] && { echo \"fleet: $r is a symbolic link, not the folder fleet made; it is not followed\" >&2; exit 70; }; ")
                .append("mkdir -p \"$r\" && mkdir \"$d\" || { echo \"fleet: cannot create the prompt folder $d\" >&2; exit 70; }; ")
                // Runs that ended without their wrapper (killed by a time limit) leave folders: an
                // hour-old folder whose CLI is gone is removed (a link among them is no run of fleet's: left alone).
                .append("for o in \"$r\"/*/; do o=${o%/}; [ \"$o\" = \"$d\" ] && continue; [ -d \"$o\" ] && [ ! -L \"$o\" ] || continue; ")
                .append("[ -n \"$(find \"$o\" -maxdepth 0 -mmin +60 2>/dev/null)\" ] || continue; p=$(").append(readPid("o")).append("); ")
                .append("{ [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; } || rm -rf \"$o\"; done; ")
                .append("printf '%s\\n' ").append(posix(l.memberId())).append(" > \"$d/member\"; : > \"$d/mark\"; ")
                .append("IFS= read -r fleet_secret || { echo 'fleet: no prompt arrived on stdin' >&2; rm -rf \"$d\"; exit 90; }; ")
                .append("fleet_b64d > \"$d/prompt\" || { echo 'fleet: the prompt could not be decoded' >&2; rm -rf \"$d\"; exit 90; }; ");
        if (l.secretVariable() != null) {
            String v = l.secretVariable();
            // A key stored by provision_auth arrives with the prompt; without one, the profile line
            // fleet wrote earlier is used, since non-interactive shells do not read profiles.
            c.append("if [ \"$fleet_secret\" != - ]; then ").append(v).append("=$(printf '%s' \"$fleet_secret\" | fleet_b64d); ")
                    .append("export ").append(v).append("; else [ -n \"${").append(v).append(":-}\" ] || eval \"$(grep -h '^export ")
                    .append(v).append("=' \"$HOME/.profile\" ").append(KEY_FILE).append(" 2>/dev/null | tail -n 1)\"; fi; ");
        }
        c.append("unset fleet_secret; ").append(AGENT_PATH)
                .append("command -v ").append(exe).append(" >/dev/null 2>&1 || { echo ")
                .append(posix("fleet: " + exe + " is not installed on the member (not found on PATH)"))
                .append(" >&2; rm -rf \"$d\"; exit 127; }; ")
                .append(RUN_TAG).append('=').append(l.runId()).append("; export ").append(RUN_TAG).append("; ");
        boolean file = l.input() == PromptLaunch.Input.FILE_IN_FOLDER;
        if (file) {
            // mkdir fails on any name already there (a link included), and the folder it makes is
            // this user's alone (umask 077): the copy cannot be led outside the work folder.
            c.append("mkdir ").append(posix(l.promptFolder())).append(" && cp \"$d/prompt\" ")
                    .append(posix(PromptLaunch.promptPath(l.promptFolder())))
                    .append(" || { echo 'fleet: cannot write the prompt file into the work folder' >&2; rm -rf \"$d\"; exit 73; }; ");
        }
        // The run folder is the CLI's to tamper with once it runs (it runs as the same user): its output
        // files are made and opened here, before it starts, and read back through these descriptors,
        // so a link it puts in their place is never read through.
        c.append(": > \"$d/out\" && : > \"$d/err\" && exec 4< \"$d/out\" 5< \"$d/err\" 6>> \"$d/out\" 7>> \"$d/err\" "
                + "|| { echo 'fleet: cannot create the prompt output files' >&2; rm -rf \"$d\"; exit 70; }; ");
        String streams = " >&6 2>&7 4<&- 5<&- 6>&- 7>&-";
        // A stop that came before the CLI started leaves its reason: the CLI is then never started.
        c.append("if [ -f \"$d/ended-by\" ]; then fleet_code=130; else set -m; ");
        if (file) {
            c.append(command(exe, l.args())).append(" < /dev/null").append(streams).append(" & fleet_pid=$!; ");
        } else {
            // The prompt file is opened here and unlinked before the CLI starts: only the open
            // descriptor holds it.
            c.append("exec 3< \"$d/prompt\"; rm -f \"$d/prompt\"; ").append(command(exe, l.args()))
                    .append(" <&3").append(streams).append(" & fleet_pid=$!; exec 3<&-; ");
        }
        // Written after the CLI started, so made anew (noclobber): never through a link it planted.
        c.append("rm -f \"$d/pid\"; ( set -C; printf '%s\\n' \"$fleet_pid\" > \"$d/pid\" ) 2>/dev/null; "
                + "{ wait \"$fleet_pid\"; } 2>/dev/null; fleet_code=$?; set +m; fi; exec 6>&- 7>&-; ");
        if (file) {
            // No trailing slash: a link put in the folder's place is removed, not followed.
            c.append("rm -rf ").append(posix(l.promptFolder())).append("; ");
        }
        // The reason a stop left is one lower-case word: no more is read, and a link is not read at all.
        return c.append("cat <&4 2>/dev/null; cat <&5 >&2 2>/dev/null; exec 4<&- 5<&-; ")
                .append("if [ -f \"$d/ended-by\" ] && [ ! -L \"$d/ended-by\" ]; then printf '\\n%s%s\\n' '").append(ENDED_BY_MARK)
                .append("' \"$(head -c 32 \"$d/ended-by\" 2>/dev/null | tr -dc 'a-z_')\" >&2; fi; ")
                .append("rm -rf \"$d\"; exit \"$fleet_code\"").toString();
    }

    @Override
    public String pollPrompt(String runId, List<PromptLaunch.WatchedFolder> watched) {
        StringBuilder c = new StringBuilder("d=").append(runDir(runId)).append("; [ -d \"$d\" ] || { echo state=gone; exit 0; }; ")
                // Sizes as the folder lists them (ls does not open a file, nor follow a link in its place).
                .append("echo \"out=$(ls -ln -- \"$d/out\" 2>/dev/null | awk '{print $5}')\"; ")
                .append("echo \"err=$(ls -ln -- \"$d/err\" 2>/dev/null | awk '{print $5}')\"; ")
                .append("p=$(").append(readPid("d")).append("); if [ -z \"$p\" ]; then echo alive=starting; ")
                .append("elif kill -0 \"$p\" 2>/dev/null; then echo alive=yes; else echo alive=no; fi; ")
                // The next mark is set before looking, so a change made while looking counts next time too.
                // Made anew (noclobber), never touched through a link put in its place.
                .append("rm -f \"$d/mark.next\"; ( set -C; : > \"$d/mark.next\" ) 2>/dev/null; changed=; ");
        for (PromptLaunch.WatchedFolder w : watched) {
            c.append("[ -z \"$changed\" ] && [ -d \"$HOME\"/").append(posix(w.homeRelativePath())).append(" ] && ")
                    .append("[ -n \"$(find \"$HOME\"/").append(posix(w.homeRelativePath())).append(" -maxdepth ").append(w.depth())
                    .append(" -type f -newer \"$d/mark\" 2>/dev/null | head -n 1)\" ] && changed=1; ");
        }
        return c.append("[ -n \"$changed\" ] && echo transcript=changed; mv -f \"$d/mark.next\" \"$d/mark\" 2>/dev/null; true").toString();
    }

    @Override
    public String stopPrompts(String memberId, String runId, String reason) {
        if (!reason.matches("[a-z_]{1,32}")) {
            throw new IllegalArgumentException("reason must be a lower-case word");
        }
        String tagged = macos
                // ps -E appends each process's environment to its command line.
                ? "fleet_tagged() { ps -axwwE -o pid=,command= 2>/dev/null | grep -F \"" + RUN_TAG + "=$1\" | grep -v grep | "
                        + "while read -r p rest; do echo \"$p\"; done; }; "
                : "fleet_tagged() { for f in $(grep -lzx \"" + RUN_TAG + "=$1\" /proc/[0-9]*/environ 2>/dev/null); do "
                        + "p=${f#/proc/}; echo \"${p%/environ}\"; done; }; ";
        return PosixCommands.TASK_FUNCTIONS
                // Every descendant of a pid, from one process listing (children that left the group included).
                + "fleet_tree() { ps -A -o pid= -o ppid= 2>/dev/null | awk -v root=\"$1\" '{ parent[$1] = $2 } END { keep[root] = 1; "
                + "for (i = 0; i < 64; i++) { added = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 } "
                + "if (!added) break } for (p in keep) print p }'; }; "
                + tagged
                + "fleet_any_alive() { for x in \"$@\"; do fleet_alive \"$x\" && return 0; done; return 1; }; "
                + "fleet_not_me() { for x in \"$@\"; do [ \"$x\" = \"$$\" ] || echo \"$x\"; done; }; "
                // The reason is made anew (noclobber) once whatever held its name is gone: never written through a link.
                + "fleet_mark() { [ -f \"$1/ended-by\" ] && [ ! -L \"$1/ended-by\" ] && return 0; rm -f -- \"$1/ended-by\"; "
                + "( set -C; printf '%s\\n' '" + reason + "' > \"$1/ended-by\" ) 2>/dev/null; }; "
                + "[ -L \"$HOME/.fleet-prompts\" ] && exit 0; "
                + "for d in \"$HOME\"/.fleet-prompts/*/; do d=${d%/}; [ -L \"$d\" ] && continue; [ -f \"$d/member\" ] && [ ! -L \"$d/member\" ] || continue; "
                + "[ \"$(head -c 64 \"$d/member\" 2>/dev/null)\" = " + posix(memberId) + " ] || continue; id=${d##*/}; "
                + (runId == null ? "" : "[ \"$id\" = " + posix(runId) + " ] || continue; ")
                // A run whose CLI already ended is left alone: it is finishing, not running.
                + "p=$(" + readPid("d") + "); case \"$p\" in ''|*[!0-9]*) fleet_mark \"$d\"; echo \"pending $id\"; continue;; esac; "
                + "fleet_alive \"$p\" || continue; fleet_mark \"$d\"; "
                + "t=$(fleet_not_me $(fleet_tree \"$p\") $(fleet_tagged \"$id\")); "
                + "kill -TERM -- \"-$p\" 2>/dev/null; kill -TERM $t 2>/dev/null; "
                + "i=0; while [ \"$i\" -lt 20 ] && fleet_any_alive $t; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
                // Whatever ignored the polite signal, or was started meanwhile, is killed.
                + "t=$(fleet_not_me $t $(fleet_tree \"$p\") $(fleet_tagged \"$id\")); "
                + "kill -KILL -- \"-$p\" 2>/dev/null; kill -KILL $t 2>/dev/null; echo \"stopped $p\"; done; true";
    }

    private static void checkVariable(String v) {
        if (!v.matches("[A-Z][A-Z0-9_]{0,63}")) {
            throw new IllegalArgumentException("not a variable name: " + v);
        }
    }
}
