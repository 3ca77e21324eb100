package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of full output is starred like the answer, piece by piece: a secret anywhere, split
 * between pieces included, is starred; everything else stays as it was, byte for byte, text with
 * characters written as two (emoji) and binary output alike.
 */
class OutputFileRedactionTest {
    private static final String SECRET = "s3cret-Pw-0123456789";
    private static final UnaryOperator<String> STAR = s -> s.replace(SECRET, "********");
    private static final int REACH = 12 * SECRET.length() + 256;
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void aSecretAnywhereInALargeFileIsStarredAndTheRestIsKept() throws Exception {
        // Secrets back to back, between short lines with emoji: wherever a piece is cut, it is most
        // likely through a secret; and a few more alone.
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 4 * MIB; i++) {
            text.append(SECRET).append(SECRET).append(SECRET).append(i % 3 == 0 ? " 😀 line " : " line ").append(i).append('\n');
        }
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            int at = random.nextInt(text.length() - SECRET.length());
            text.replace(at, at + SECRET.length(), SECRET);
        }
        String original = fixSurrogates(text.toString());
        Path file = Files.writeString(tmp.resolve("out.log"), original, StandardCharsets.UTF_8);

        OutputFileRedaction.rewrite(file, STAR, REACH);

        String after = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(after).doesNotContain(SECRET).isEqualTo(STAR.apply(original));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("out.log");
        }
    }

    @Test
    void binaryOutputKeepsItsBytesAndLosesTheSecret() throws Exception {
        byte[] noise = new byte[3 * MIB];
        new Random(5).nextBytes(noise);
        byte[] secret = SECRET.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(secret, 0, noise, MIB - 3, secret.length);
        System.arraycopy(secret, 0, noise, 2 * MIB + 100, secret.length);
        Path file = Files.write(tmp.resolve("bin.log"), noise);

        OutputFileRedaction.rewrite(file, STAR, REACH);

        byte[] after = Files.readAllBytes(file);
        String expected = STAR.apply(new String(noise, StandardCharsets.ISO_8859_1));
        assertThat(new String(after, StandardCharsets.ISO_8859_1)).isEqualTo(expected).doesNotContain(SECRET);
    }

    @Test
    void aFileWithoutASecretIsLeftAsItWas() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain.log"), "nothing to hide\n".repeat(100_000));
        long modified = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(modified - 60_000));

        OutputFileRedaction.rewrite(file, STAR, REACH);

        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified - 60_000);
        assertThat(Files.readString(file)).isEqualTo("nothing to hide\n".repeat(100_000));
    }

    /** Replacing characters at set offsets may have split an emoji: what is left of one becomes a plain letter. */
    private static String fixSurrogates(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            b.append(paired ? c : 'x');
        }
        return b.toString();
    }
}
