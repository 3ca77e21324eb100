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

    /**
     * Perl opens the file without following a link ({@code O_NOFOLLOW}): a link swapped in after
     * the shell's look is refused (exit {@value #OUTSIDE}), not followed. Without perl the shell's
     * {@code cat} reads it, as before.
     */
    private static final String READ_NO_LINK = "if command -v perl >/dev/null 2>&1; then "
            + "perl -e 'use Fcntl; sysopen(my $h, $ARGV[0], O_RDONLY | O_NOFOLLOW) or exit($!{ELOOP} ? " + OUTSIDE + " : " + MISSING
            + "); binmode $h; binmode STDOUT; print while <$h>;' -- \"./$f\"; else cat -- \"./$f\"; fi";

    /**
     * Perl renames with {@code rename(2)}, which replaces a link under the name and refuses a
     * folder there, where {@code mv} would move the file into a folder (or one a link leads to)
     * swapped in after the shell's look. Without perl, {@code mv} as before.
     */
    private static final String RENAME_NO_FOLLOW = "if command -v perl >/dev/null 2>&1; then "
            + "perl -e 'rename($ARGV[0], $ARGV[1]) or exit 1' -- \"$t\" \"./$f\"; else mv -f -- \"$t\" \"./$f\"; fi";

    @Override
    public String read(String folder, String relative) {
        return inFolder(folder, relative, false) + "[ -f \"$f\" ] || exit " + MISSING + "; " + READ_NO_LINK;
    }

    @Override
    public String write(String folder, String relative) {
        // A new file under a random name (mktemp creates it, never through a link planted under
        // a known name), then renamed over the target: a reader never sees half of it.
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        return inFolder(folder, relative, true) + "t=$(mktemp \"./." + name + ".fleet-XXXXXX\") || exit 4; "
                + "{ cat > \"$t\" && " + RENAME_NO_FOLLOW + "; } || { rm -f -- \"$t\"; exit 4; }";
    }

    /**
     * Shell text that goes into the file's folder, one folder at a time from the work folder, and
     * sets {@code f} to the file's name there, refusing (exit {@value #OUTSIDE}) when a folder on
     * the way leads out of the work folder (a link) or the file itself is a link: a cloned
     * repository can hold such links, and fleet reads and writes only inside the folder it was
     * given. Missing folders are created one by one when {@code create}; otherwise a missing one
     * means a missing file. Each step is checked where it landed ({@code pwd -P}), and what comes
     * after works relative to the folder the shell is in, so a folder on the way swapped for a
     * link after its step cannot lead the read or the write out.
     */
    private static String inFolder(String folder, String relative, boolean create) {
        String[] parts = relative.split("/");
        StringBuilder c = new StringBuilder("cd -- ").append(posix(folder))
                .append(" 2>/dev/null || { echo 'fleet: work folder does not exist' >&2; exit 3; }; w=$(pwd -P); ");
        for (int i = 0; i < parts.length - 1; i++) {
            String part = posix(parts[i]);
            String leadsOut = "{ echo " + posix("fleet: " + parts[i] + " in the work folder leads out of it (a link); fleet reads "
                    + "and writes nothing through it") + " >&2; exit " + OUTSIDE + "; }";
            String stepIn = "cd -P -- " + part + " 2>/dev/null && case \"$(pwd -P)/\" in \"$w\"/*) ;; *) false;; esac || " + leadsOut + "; ";
            // Something on the way that is neither a folder nor a link: named for what it is.
            c.append("if [ -e ").append(part).append(" ] && [ ! -d ").append(part).append(" ]; then echo ")
                    .append(posix("fleet: " + parts[i] + " in the work folder is a file, not a folder; fleet reads and writes nothing there"))
                    .append(" >&2; exit ").append(NOT_A_FILE).append("; fi; ");
            c.append("if [ -e ").append(part).append(" ] || [ -L ").append(part).append(" ]; then ").append(stepIn);
            c.append(create ? "else mkdir -- " + part + " || exit 4; " + stepIn + "fi; " : "else exit " + MISSING + "; fi; ");
        }
        String name = posix(parts[parts.length - 1]);
        // A folder under the file's name would take the new file inside it (mv into a folder)
        // while the agent CLI reads no settings: refused, never reported as written.
        return c.append("f=").append(name).append("; [ -L \"$f\" ] && { echo ")
                .append(posix("fleet: " + relative + " is a link; fleet reads and writes nothing through it")).append(" >&2; exit ")
                .append(OUTSIDE).append("; }; [ -e \"$f\" ] && [ ! -f \"$f\" ] && { echo ")
                .append(posix("fleet: " + relative + " is not a file (a folder?); fleet reads and writes nothing there")).append(" >&2; exit ")
                .append(NOT_A_FILE).append("; }; ").toString();
    }
}
