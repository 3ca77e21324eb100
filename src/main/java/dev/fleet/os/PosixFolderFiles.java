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
        return "f=" + posix(folder + "/" + relative) + "; [ -f \"$f\" ] || exit " + MISSING + "; cat -- \"$f\"";
    }

    @Override
    public String write(String folder, String relative) {
        return "f=" + posix(folder + "/" + relative) + "; mkdir -p -- \"${f%/*}\" && cat > \"$f.fleet-tmp\" && mv -f \"$f.fleet-tmp\" \"$f\" "
                + "|| { rm -f \"$f.fleet-tmp\"; exit 4; }";
    }
}
