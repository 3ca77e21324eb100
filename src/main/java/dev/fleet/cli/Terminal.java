package dev.fleet.cli;

import java.util.Map;

/**
 * What one output stream is connected to. The launcher scripts tell Java whether stdout and
 * stderr are terminals (Java 17 cannot ask about each stream on its own); colours are used only
 * on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
 */
final class Terminal {
    private final boolean tty;
    private final boolean colour;

    Terminal(boolean tty, boolean colour) {
        this.tty = tty;
        this.colour = tty && colour;
    }

    static Terminal stdout(Map<String, String> env) {
        return of(Boolean.getBoolean("fleet.stdout.tty"), env);
    }

    static Terminal stderr(Map<String, String> env) {
        return of(Boolean.getBoolean("fleet.stderr.tty"), env);
    }

    private static Terminal of(boolean tty, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        boolean colour = (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        return new Terminal(tty, colour);
    }

    boolean isTty() {
        return tty;
    }

    boolean colour() {
        return colour;
    }

    String green(String s) {
        return paint("32", s);
    }

    String red(String s) {
        return paint("31", s);
    }

    String yellow(String s) {
        return paint("33", s);
    }

    String bold(String s) {
        return paint("1", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
