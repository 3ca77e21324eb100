package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import java.util.List;

final class PosixFolderFiles implements FolderFileCommands {
    @Override
    public String existing(String folder, List<String> names, List<String> globs) {
        StringBuilder c = new StringBuilder("cd -- ").append(posix(folder))
                .append(" 2>/dev/null || { echo 'fleet: work folder does not exist' >&2; exit 3; }; for f in");
        names.forEach(n -> c.append(' ').append(posix(n)));
        c.append("; do [ -e \"$f\" ] && printf '%s\\n' \"$f\"; done; ");
        for (String g : globs) {
            requireSimpleGlob(g);
            // Unquoted on purpose: the shell expands the pattern; an unmatched one stays literal and fails -e.
            c.append("for f in ").append(g).append("; do [ -e \"$f\" ] && { printf '%s\\n' ").append(posix(g)).append("; break; }; done; ");
        }
        return c.append("true").toString();
    }

    static void requireSimpleGlob(String glob) {
        if (!glob.matches("\\*\\.[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("not a simple *.ext pattern: " + glob);
        }
    }

    @Override
    public String read(String folder, String relative) {
        return inFolder(folder, relative, false) + "[ -f \"$f\" ] || exit " + MISSING + "; cat -- \"$f\"";
    }

    @Override
    public String write(String folder, String relative) {
        // A new file under a random name (mktemp creates it, never through a link planted under
        // a known name), then renamed over the target: a reader never sees half of it.
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        return inFolder(folder, relative, true) + "t=$(mktemp \"$d/." + name + ".fleet-XXXXXX\") || exit 4; "
                + "cat > \"$t\" && mv -f -- \"$t\" \"$f\" || { rm -f -- \"$t\"; exit 4; }";
    }

    /**
     * Shell text that goes to the work folder and sets {@code d} to the file's folder and {@code f}
     * to the file, refusing (exit {@value #OUTSIDE}) when a folder on the way is a link that leads
     * out of the work folder or the file itself is a link: a cloned repository can hold such links,
     * and fleet reads and writes only inside the folder it was given. Missing folders are created
     * one by one when {@code create}; otherwise a missing one means a missing file.
     */
    private static String inFolder(String folder, String relative, boolean create) {
        String[] parts = relative.split("/");
        StringBuilder c = new StringBuilder("cd -- ").append(posix(folder))
                .append(" 2>/dev/null || { echo 'fleet: work folder does not exist' >&2; exit 3; }; w=$(pwd -P); d=.; ");
        for (int i = 0; i < parts.length - 1; i++) {
            String part = posix(parts[i]);
            // Something on the way that is neither a folder nor a link: named for what it is.
            c.append("if [ -e \"$d\"/").append(part).append(" ] && [ ! -d \"$d\"/").append(part).append(" ]; then echo ")
                    .append(posix("fleet: " + parts[i] + " in the work folder is a file, not a folder; fleet reads and writes nothing there"))
                    .append(" >&2; exit ").append(NOT_A_FILE).append("; fi; ");
            c.append("if [ -e \"$d\"/").append(part).append(" ] || [ -L \"$d\"/").append(part).append(" ]; then ")
                    .append("r=$(cd -- \"$d\"/").append(part).append(" 2>/dev/null && pwd -P) && case \"$r/\" in \"$w\"/*) ;; *) r=;; esac; ")
                    .append("[ -n \"$r\" ] || { echo ").append(posix("fleet: " + parts[i] + " in the work folder leads out of it "
                            + "(a link); fleet reads and writes nothing through it")).append(" >&2; exit ").append(OUTSIDE).append("; }; ");
            c.append(create ? "else mkdir -- \"$d\"/" + part + " || exit 4; fi; " : "else exit " + MISSING + "; fi; ");
            c.append("d=\"$d\"/").append(part).append("; ");
        }
        String name = posix(parts[parts.length - 1]);
        // A folder under the file's name would take the new file inside it (mv into a folder) while
        // the agent CLI reads no settings: refused, never reported as written.
        return c.append("f=\"$d\"/").append(name).append("; [ -L \"$f\" ] && { echo ")
                .append(posix("fleet: " + relative + " is a link; fleet reads and writes nothing through it")).append(" >&2; exit ")
                .append(OUTSIDE).append("; }; [ -e \"$f\" ] && [ ! -f \"$f\" ] && { echo ")
                .append(posix("fleet: " + relative + " is not a file (a folder?); fleet reads and writes nothing there")).append(" >&2; exit ")
                .append(NOT_A_FILE).append("; }; ").toString();
    }
}
