package dev.fleet.base;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Text files fleet carries in its jar (shell scripts it sends to members). */
public final class BundledText {
    private BundledText() {
    }

    /** The UTF-8 text of a resource beside {@code owner}; a jar without it is a broken build, said as such. */
    public static String of(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the fleet jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
