package dev.fleet.security;

/**
 * Quoting for values that must reach a shell as data, never as code.
 *
 * <p>POSIX single quotes disable every expansion; the only character that needs care is the
 * single quote itself. PowerShell single quotes likewise expand nothing; a quote is doubled.
 */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String posix(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    public static String powershell(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
