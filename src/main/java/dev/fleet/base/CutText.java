package dev.fleet.base;

/**
 * Where output cut at an arbitrary point is shown from. The first line of such a cut is the end of
 * a line whose start was dropped: it may be the end of a secret the command printed, which the
 * redaction of whole secrets cannot recognise. So a cut text starts after a line break when one
 * comes soon, else after a character that ends a word of a credential (a space, a quote, a comma,
 * a bracket), else where it was cut.
 */
public final class CutText {
    /** How far a line break is looked for. */
    public static final int LINE_SEARCH = 4096;
    /** How far, without a line break, the end of a cut word is looked for. */
    public static final int WORD_SEARCH = 256;

    private CutText() {
    }

    /** Where {@code cut} (text cut at its start) is shown from; 0 when no place nearby is cleaner. */
    public static int cleanStart(String cut) {
        return cleanStart(cut, LINE_SEARCH);
    }

    /**
     * As {@link #cleanStart(String)}, a line break looked for in the first {@code lineSearch}
     * characters. A carriage return counts as one (a progress bar redraws its line with it), and
     * {@code \r\n} as one break.
     */
    public static int cleanStart(String cut, int lineSearch) {
        int lines = Math.min(cut.length() - 1, lineSearch);
        for (int i = 0; i < lines; i++) {
            char c = cut.charAt(i);
            if (c == '\n' || c == '\r') {
                return c == '\r' && cut.charAt(i + 1) == '\n' ? i + 2 : i + 1;
            }
        }
        int start = afterCutWord(cut);
        // Never begin with the second half of a character.
        return start < cut.length() && Character.isLowSurrogate(cut.charAt(start)) ? start + 1 : start;
    }

    /** After the first character within {@link #WORD_SEARCH} that no credential word holds; 0 if none. */
    public static int afterCutWord(String cut) {
        int words = Math.min(cut.length(), WORD_SEARCH);
        for (int i = 0; i < words; i++) {
            if (endsAWord(cut.charAt(i))) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean endsAWord(char c) {
        return Character.isWhitespace(c) || "\"'`,;&|<>()[]{}".indexOf(c) >= 0;
    }
}
