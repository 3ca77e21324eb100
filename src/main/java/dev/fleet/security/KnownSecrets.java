package dev.fleet.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Secrets in every form they may be printed or quoted back in: as given, URL-encoded, base64
 * (standard and URL-safe, with and without padding), hex (lower and upper case), and for a login
 * the encodings of {@code user:secret} (HTTP Basic sends its base64). Base64 is also looked for where a secret is part of
 * larger encoded data ({@code base64 ~/.apra-fleet-keys}: the secret at any byte offset) and where
 * the encoding is wrapped over lines (coreutils' 76 columns, PEM's 64). Literal redaction of the
 * tool's arguments catches only the first of these.
 */
public final class KnownSecrets {
    /** Shorter values are not removed: every such run of letters in a message would go (the same rule as result redaction). */
    static final int MIN_LENGTH = 4;
    /**
     * The shortest encoding of a secret inside larger data that is looked for: 48 bits, which a
     * run of unrelated base64 matches about once in 10^14 places. A secret of fewer than seven
     * bytes is found encoded on its own only.
     */
    static final int MIN_INNER_LENGTH = 8;
    private static final KnownSecrets NONE = new KnownSecrets(List.of(), List.of());

    /** Longest first, so a form that contains another is removed whole. */
    private final List<String> forms;
    /** The encoded forms among them (base64, hex), longest first: wrapped output may break them over lines. */
    private final List<String> encoded;

    private KnownSecrets(List<String> forms, List<String> encoded) {
        this.forms = forms;
        this.encoded = encoded;
    }

    public static KnownSecrets none() {
        return NONE;
    }

    public static KnownSecrets of(String... secrets) {
        KnownSecrets known = NONE;
        for (String s : secrets) {
            known = known.with(s);
        }
        return known;
    }

    /**
     * The secrets in an HTTP {@code Authorization} header value: a Basic credential's encoded
     * text, its {@code user:secret} and its secret; a Bearer (or any other scheme's) credential.
     */
    public static KnownSecrets ofAuthorization(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return NONE;
        }
        String value = headerValue.strip();
        int space = value.indexOf(' ');
        String credential = space < 0 ? value : value.substring(space + 1).strip();
        KnownSecrets known = NONE.with(credential);
        if (space > 0 && value.substring(0, space).equalsIgnoreCase("Basic")) {
            try {
                String login = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
                int colon = login.indexOf(':');
                known = colon < 0 ? known.with(login) : known.withLogin(login.substring(0, colon), login.substring(colon + 1));
            } catch (IllegalArgumentException notBase64) {
                // The encoded text itself is already known; there is nothing more to decode.
            }
        }
        return known;
    }

    public KnownSecrets with(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return this;
        }
        return adding(List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8)), encodings(secret));
    }

    /** A secret sent with a user name as HTTP Basic does: also {@code user:secret}, in each of its encodings. */
    public KnownSecrets withLogin(String user, String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return this;
        }
        String login = (user == null ? "" : user) + ":" + secret;
        return with(secret).adding(List.of(login), encodings(login));
    }

    /**
     * The base64 of {@code value} alone (padded and not), and the part of its encoding that is the
     * same wherever it lies in larger data: base64 turns each three bytes into four characters, so
     * data holding the value at a byte offset of 0, 1 or 2 (mod 3) encodes it as one of three
     * strings, less the first and last characters, which mix in the neighbouring bytes. Each in the
     * standard and the URL-safe alphabet. Then its hex, in lower and upper case.
     */
    private static List<String> encodings(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        String padded = Base64.getEncoder().encodeToString(bytes);
        List<String> standard = new ArrayList<>(List.of(padded, strip(padded)));
        for (int offset = 0; offset < 3; offset++) {
            String inner = inner(bytes, offset);
            if (inner.length() >= MIN_INNER_LENGTH) {
                standard.add(inner);
            }
        }
        List<String> all = new ArrayList<>(standard);
        standard.forEach(f -> all.add(f.replace('+', '-').replace('/', '_')));
        // Hex (xxd -p, hexdump, a script's .hex()): two characters a byte, so the same string
        // wherever the value lies in larger data; xxd -p wraps it at 60 columns.
        String hex = java.util.HexFormat.of().formatHex(bytes);
        all.add(hex);
        all.add(hex.toUpperCase(java.util.Locale.ROOT));
        return all;
    }

    /** The characters of the encoding that only the value's own bits decide, when it starts {@code offset} bytes into a group of three. */
    private static String inner(byte[] value, int offset) {
        byte[] placed = new byte[offset + value.length];
        System.arraycopy(value, 0, placed, offset, value.length);
        String encoded = Base64.getEncoder().withoutPadding().encodeToString(placed);
        int bits = 8 * offset;
        int from = (bits + 5) / 6;
        int to = 8 * placed.length / 6;
        return from >= to ? "" : encoded.substring(from, to);
    }

    private static String strip(String padded) {
        int end = padded.length();
        while (end > 0 && padded.charAt(end - 1) == '=') {
            end--;
        }
        return padded.substring(0, end);
    }

    private KnownSecrets adding(List<String> literal, List<String> base64) {
        return new KnownSecrets(longestFirst(forms, literal, base64), longestFirst(encoded, base64));
    }

    @SafeVarargs
    private static List<String> longestFirst(List<String>... lists) {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> list : lists) {
            list.stream().filter(f -> f.length() >= MIN_LENGTH).forEach(all::add);
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return List.copyOf(sorted);
    }

    /**
     * {@code text} with every known form replaced by {@code replacement}, a base64 form also where
     * line breaks cut it: each of its pieces is replaced, the line breaks stay.
     */
    public String removeFrom(String text, String replacement) {
        String out = text;
        for (String form : forms) {
            out = out.replace(form, replacement);
        }
        return encoded.isEmpty() || out.indexOf('\n') < 0 ? out : new Wrapped(out).without(encoded, replacement);
    }

    /**
     * {@code line} (a line of output that may be cut, or still arriving) without the start of a
     * form it ends in, nor the end of a base64 form it begins with (the encoding went on from the
     * line before, which is not shown); at least {@code minCut} characters of one, as fewer tell
     * nothing.
     */
    public String withoutCutForms(String line, String replacement, int minCut) {
        for (String form : forms) {
            for (int n = Math.min(form.length() - 1, line.length()); n >= minCut; n--) {
                if (line.endsWith(form.substring(0, n))) {
                    return line.substring(0, line.length() - n) + replacement;
                }
            }
        }
        for (String form : encoded) {
            for (int n = Math.min(form.length() - 1, line.length()); n >= minCut; n--) {
                if (line.startsWith(form.substring(form.length() - n))) {
                    return replacement + line.substring(n);
                }
            }
        }
        return line;
    }

    /** Never the secrets: this object may end up in a log line. */
    @Override
    public String toString() {
        return "KnownSecrets[" + forms.size() + " forms]";
    }

    /**
     * Text seen without its line breaks, so that one search finds a form however it was wrapped,
     * with the way back to where each character stands in the text.
     */
    private static final class Wrapped {
        private final String text;
        private final String joined;
        /** Where in {@code joined} line-break characters were left out, and how many were left out up to there. */
        private final int[] breakAt;
        private final int[] leftOut;
        private final int breaks;

        Wrapped(String text) {
            this.text = text;
            StringBuilder b = new StringBuilder(text.length());
            int[] at = new int[16];
            int[] out = new int[16];
            int n = 0;
            int dropped = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '\n' && c != '\r') {
                    b.append(c);
                    continue;
                }
                dropped++;
                if (n > 0 && at[n - 1] == b.length()) {
                    out[n - 1] = dropped;
                } else {
                    if (n == at.length) {
                        at = Arrays.copyOf(at, n * 2);
                        out = Arrays.copyOf(out, n * 2);
                    }
                    at[n] = b.length();
                    out[n] = dropped;
                    n++;
                }
            }
            this.joined = b.toString();
            this.breakAt = at;
            this.leftOut = out;
            this.breaks = n;
        }

        String without(List<String> forms, String replacement) {
            BitSet hidden = new BitSet(text.length());
            for (String form : forms) {
                for (int at = joined.indexOf(form); at >= 0; at = joined.indexOf(form, at + 1)) {
                    for (int j = at; j < at + form.length(); j++) {
                        hidden.set(j + leftOutBefore(j));
                    }
                }
            }
            if (hidden.isEmpty()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); ) {
                if (hidden.get(i)) {
                    out.append(replacement);
                    i = hidden.nextClearBit(i);
                } else {
                    out.append(text.charAt(i++));
                }
            }
            return out.toString();
        }

        /** How many line-break characters stand before the joined text's character {@code j} in the text. */
        private int leftOutBefore(int j) {
            int i = Arrays.binarySearch(breakAt, 0, breaks, j);
            if (i < 0) {
                i = -i - 2;
            }
            return i < 0 ? 0 : leftOut[i];
        }
    }
}
