package dev.fleet.daemon;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint's bearer token, {@code <data>/http-token}: made once (0600) and kept, so
 * configured clients keep working across restarts.
 */
final class HttpToken {
    private static final Logger log = LoggerFactory.getLogger(HttpToken.class);
    /** A token shorter than this is not one fleet made (it writes 43 characters): a new one replaces it. */
    private static final int SHORTEST = 32;

    private HttpToken() {
    }

    /**
     * The token in {@code file}, or a new one written there. Read only from a file of fleet's own:
     * a link in its place (fleet makes none; someone who could write the data dir put it there) is
     * never read and a new token replaces it, so no other file's content becomes the token, and
     * none is chmod'ed or written.
     */
    static String readOrMake(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            log.warn("{} was a symbolic link, not fleet's token file: it is not read, and a new token replaces it", file);
        } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            SecureFiles.restrictToOwner(file);
            String existing = new String(SecureFiles.readOwn(file), StandardCharsets.UTF_8).strip();
            if (existing.length() >= SHORTEST) {
                return existing;
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        SecureFiles.writePrivate(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
        return token;
    }
}
