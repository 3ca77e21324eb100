package dev.fleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Modes and contents of files a test planted links to: what fleet must leave as they were. */
public final class FileModes {
    private FileModes() {
    }

    /** A path's own mode ({@code rw-------}), a link's own rather than its target's. */
    public static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** A file of the user's, a planted link's target: its content and its mode (0644) as the test wrote them. */
    public static void assertUntouched(Path file, String content) throws IOException {
        assertThat(Files.readString(file)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    }
}
