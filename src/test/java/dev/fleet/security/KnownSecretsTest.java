package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** How a stored secret printed as base64 or hex is found: alone or inside larger data, on one line or wrapped. */
class KnownSecretsTest {
    private static final String KEY = "sk-ant-api03-knownSECRET0123456789abcdef";
    private static final KnownSecrets KNOWN = KnownSecrets.of(KEY);

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** As coreutils' {@code base64} prints (76 columns) or PEM and openssl do (64). */
    private static String wrapped(String s, int columns, String lineBreak) {
        return Base64.getMimeEncoder(columns, lineBreak.getBytes(StandardCharsets.US_ASCII)).encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSecretInsideLargerDataIsFoundAtEachOfTheThreeByteAlignments() {
        for (String before : new String[] {"", "x", "xy", "export ANTHROPIC_API_KEY='"}) {
            for (String after : new String[] {"", "\n", "'\nexport OTHER=1\n"}) {
                String shown = KNOWN.removeFrom(base64(before + KEY + after), "*");
                assertThat(shown).as("%s|key|%s", before, after).contains("*");
                assertThat(decodesToTheKey(shown)).as(shown).isFalse();
            }
        }
    }

    @Test
    void wrappedBase64IsFoundAcrossItsLineBreaksWhichStay() {
        String file = "# fleet\nexport ANTHROPIC_API_KEY='" + KEY + "'\n";
        for (String output : new String[] {wrapped(file, 76, "\n"), wrapped(file, 64, "\n"), wrapped(file, 64, "\r\n"),
                wrapped("y" + file, 76, "\n"), wrapped("yz" + file, 76, "\n")}) {
            String shown = KNOWN.removeFrom(output + "\n", "********");
            assertThat(shown.lines().count()).as("the lines stay").isEqualTo(output.lines().count());
            assertThat(decodesToTheKey(shown)).as(shown).isFalse();
            assertThat(shown).contains("********");
        }
        // Text around it is left as it was.
        String around = "before\n" + wrapped(file, 76, "\n") + "\nafter line";
        assertThat(KNOWN.removeFrom(around, "*")).startsWith("before\n").endsWith("\nafter line");
    }

    /** As {@code xxd -p} prints (60 columns), at any byte offset, in either case; the line breaks stay. */
    @Test
    void hexOfTheSecretIsFoundInsideLargerDataAndAcrossLineBreaks() {
        for (String before : new String[] {"", "x", "export ANTHROPIC_API_KEY='"}) {
            String hex = java.util.HexFormat.of().formatHex((before + KEY + "'\n").getBytes(StandardCharsets.UTF_8));
            for (String output : new String[] {hex, hex.toUpperCase(java.util.Locale.ROOT), hex.replaceAll("(.{60})", "$1\n")}) {
                String shown = KNOWN.removeFrom(output + "\n", "*");
                assertThat(shown).as(output).contains("*");
                assertThat(shown.lines().count()).as("the lines stay").isEqualTo((output + "\n").lines().count());
                String joined = shown.replace("\n", "").toLowerCase(java.util.Locale.ROOT);
                String keyHex = java.util.HexFormat.of().formatHex(KEY.getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i + 16 <= keyHex.length(); i += 2) {
                    assertThat(joined).as("no 8 bytes of the key in hex").doesNotContain(keyHex.substring(i, i + 16));
                }
            }
        }
        // Hex that is not the key's is left alone.
        String other = java.util.HexFormat.of().formatHex("unrelated data".getBytes(StandardCharsets.UTF_8));
        assertThat(KNOWN.removeFrom(other, "*")).isEqualTo(other);
    }

    @Test
    void shortSecretsAreNotLookedForInsideLargerDataAndTooShortOnesNotAtAll() {
        String noise = base64("x" + "unrelated data " .repeat(200));
        // Four characters are found as given and encoded alone, never inside other data.
        KnownSecrets four = KnownSecrets.of("abcd");
        assertThat(four.removeFrom(base64("abcd"), "*")).isEqualTo("*");
        assertThat(four.removeFrom(noise, "*")).isEqualTo(noise);
        assertThat(four.removeFrom(base64("x" + "abcd" + "y"), "*")).doesNotContain("*");
        // Three characters are not secrets fleet can star.
        assertThat(KnownSecrets.of("abc").removeFrom("abc " + base64("abc"), "*")).isEqualTo("abc " + base64("abc"));
        // Seven bytes and more are found anywhere.
        assertThat(KnownSecrets.of("hunter22").removeFrom(base64("xy" + "hunter22" + "z"), "*")).contains("*");
    }

    @Test
    void aLineCutInsideAnEncodingLosesThatPartAndOneWrappedFromTheLineBeforeToo() {
        String encoded = wrapped("export ANTHROPIC_API_KEY='" + KEY + "'\n", 76, "\n");
        String first = encoded.lines().findFirst().orElseThrow();
        String second = encoded.lines().skip(1).findFirst().orElseThrow();
        String cutFirst = KNOWN.withoutCutForms(first, "*", 4);
        String cutSecond = KNOWN.withoutCutForms(second, "*", 4);
        assertThat(cutFirst).endsWith("*");
        assertThat(cutSecond).startsWith("*");
        assertThat(KNOWN.withoutCutForms("plain words only", "*", 4)).isEqualTo("plain words only");
    }

    /** Whether any run of base64 in {@code text}, its line breaks left out, read at any of the four offsets, holds the key. */
    private static boolean decodesToTheKey(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9+/]+(?:\\r?\\n[A-Za-z0-9+/]+)*").matcher(text);
        while (m.find()) {
            String run = m.group().replaceAll("\\s", "");
            for (int skip = 0; skip < 4 && run.length() - skip >= 4; skip++) {
                String part = run.substring(skip, skip + (run.length() - skip) / 4 * 4);
                if (new String(Base64.getDecoder().decode(part), StandardCharsets.ISO_8859_1).contains(KEY.substring(4, 36))) {
                    return true;
                }
            }
        }
        return false;
    }
}
