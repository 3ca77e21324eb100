package dev.fleet.tools;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Stars the secrets out of a file of a command's full output, as the answer's text is starred.
 * The file may be large, so it is read in pieces; a piece is written out only up to where no
 * secret can still be starting (its last {@code reach} characters wait for the next piece, unless
 * a secret starred there shows where one ended), so a secret split between pieces is still found.
 * The starred copy is made owner-only under a new name and renamed over the file; a file holding
 * no secret is left as it was. A file that is not UTF-8 (binary output) is read byte for byte, so
 * its other bytes stay as they were and the secrets' ASCII forms (base64, URL-encoded) are found.
 */
final class OutputFileRedaction {
    private static final int PIECE = 1 << 20;

    private OutputFileRedaction() {
    }

    static void rewrite(Path file, UnaryOperator<String> redact, int reach) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Charset charset = isUtf8(file) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        Path copy = file.resolveSibling(file.getFileName() + ".starred-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        SecureFiles.createPrivateNew(copy);
        try {
            boolean changed = false;
            try (Reader in = Files.newBufferedReader(file, charset);
                 Writer out = Files.newBufferedWriter(copy, charset, StandardOpenOption.WRITE)) {
                StringBuilder pending = new StringBuilder();
                char[] buffer = new char[PIECE];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    pending.append(buffer, 0, n);
                    if (pending.length() < PIECE + reach) {
                        continue;
                    }
                    String piece = pending.toString();
                    String starred = redact.apply(piece);
                    changed |= !starred.equals(piece);
                    // What follows the last starred secret is the piece as it was: the part that waits is taken from there.
                    int same = commonSuffix(piece, starred);
                    int waits = Math.min(reach, same);
                    // A character written as two (an emoji) is never cut in half between pieces.
                    while (waits < same && Character.isHighSurrogate(piece.charAt(piece.length() - waits - 1))) {
                        waits++;
                    }
                    out.write(starred, 0, starred.length() - waits);
                    pending.setLength(0);
                    pending.append(piece, piece.length() - waits, piece.length());
                }
                String last = pending.toString();
                String starred = redact.apply(last);
                changed |= !starred.equals(last);
                out.write(starred);
            }
            if (changed) {
                Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static int commonSuffix(String a, String b) {
        int i = 0;
        int max = Math.min(a.length(), b.length());
        while (i < max && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }

    private static boolean isUtf8(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new InputStreamReader(Files.newInputStream(file), decoder)) {
            char[] buffer = new char[64 * 1024];
            while (in.read(buffer) != -1) {
                // Decoding the whole file is the check.
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
