package dev.fleet.os;

/** Single quotes for a test's shell text. */
final class ShellQuoteForTest {
    private ShellQuoteForTest() {
    }

    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
