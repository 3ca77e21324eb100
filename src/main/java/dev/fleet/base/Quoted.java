package dev.fleet.base;

/**
 * Values from outside (a caller's parameter, a file's field) as a message or a terminal may show
 * them: control and invisible format characters (newlines, terminal escapes such as
 * an OSC title sequence, bidirectional overrides) as {@code \\uXXXX}. A hostile value can then neither
 * write lines of its own, retitle or recolour the terminal, nor make a line read in another order.
 */
public final class Quoted {
    /** The most characters of a refused value a message quotes back. */
    public static final int MAX_CHARS = 40;

    private Quoted() {
    }

    /** A refused value quoted back: {@code 'its first 40 characters'} (with {@code …} when cut), made inert. */
    public static String value(String s) {
        if (s == null) {
            return "null";
        }
        // 40 UTF-16 characters, never half of one: a cut lands between code points.
        int end = s.length() > MAX_CHARS ? s.offsetByCodePoints(0, s.codePointCount(0, MAX_CHARS)) : s.length();
        return "'" + inert(s.substring(0, end)) + (end < s.length() ? "…'" : "'");
    }

    /** The whole value, made inert. */
    public static String inert(String s) {
        return inert(s, false);
    }

    /**
     * An emoji (a member's icon) made inert. The zero-width joiner is kept: emoji sequences (a
     * person at a computer) are written with it, and it moves nothing on a screen.
     */
    public static String emoji(String s) {
        return inert(s, true);
    }

    private static String inert(String s, boolean keepJoiner) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || (Character.getType(c) == Character.FORMAT && !(keepJoiner && c == 0x200D))
                    || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
