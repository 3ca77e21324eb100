package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data dir's files are trusted as fleet's own: a folder another user owns or can write to is refused, unchanged. */
class TrustedFoldersTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private Path folder(String name, String mode) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    @Test
    void aFolderOthersOrTheGroupCanWriteToIsRefusedAndLeftAsItIs() throws Exception {
        for (String open : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx---rwx", "rwxrwxrwt"}) {
            Path dir = folder("open-" + open.hashCode(), open.replace('t', 'x'));
            if (open.endsWith("t")) {
                // Sticky, as /tmp: others cannot remove what is there, but can still put in new names.
                assertThat(new ProcessBuilder("chmod", "1777", dir.toString()).start().waitFor()).isZero();
            }
            assertThatThrownBy(() -> SecureFiles.createTrustedDirectories(dir)).as(open)
                    .isInstanceOf(SecureFiles.SharedFolder.class)
                    .hasMessageContaining("other users can write to it (mode " + open.replace('t', 'x') + ")")
                    .hasMessageContaining("chmod 700 " + dir);
            assertThat(mode(dir)).as(open).isEqualTo(open.replace('t', 'x'));
        }
    }

    @Test
    void aFolderOfTheUsersOwnIsTightenedAndAMissingOneIsMadePrivate() throws Exception {
        Path readable = folder("readable", "rwxr-xr-x");
        SecureFiles.createTrustedDirectories(readable);
        assertThat(mode(readable)).isEqualTo("rwx------");

        Path fresh = tmp.resolve("new/data");
        SecureFiles.createTrustedDirectories(fresh);
        assertThat(mode(fresh)).isEqualTo("rwx------");
        assertThat(mode(fresh.getParent())).isEqualTo("rwx------");
    }

    @Test
    void aLinkIsJudgedByTheFolderItLeadsTo() throws Exception {
        Path open = folder("open-target", "rwxrwxrwx");
        Path toOpen = Files.createSymbolicLink(tmp.resolve("to-open"), open);
        assertThatThrownBy(() -> SecureFiles.createTrustedDirectories(toOpen)).isInstanceOf(SecureFiles.SharedFolder.class);
        assertThat(mode(open)).isEqualTo("rwxrwxrwx");

        Path own = folder("own-target", "rwx------");
        Path toOwn = Files.createSymbolicLink(tmp.resolve("to-own"), own);
        SecureFiles.createTrustedDirectories(toOwn);
        assertThat(Files.isSymbolicLink(toOwn)).isTrue();
    }

    /** Only root can give a folder to another user; as root, that folder is refused even though root could use it. */
    @Test
    void aFolderAnotherUserOwnsIsRefused() throws Exception {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root to chown");
        Path theirs = folder("theirs", "rwx------");
        Files.setAttribute(theirs, "unix:uid", 4242);
        assertThatThrownBy(() -> SecureFiles.createTrustedDirectories(theirs)).isInstanceOf(SecureFiles.SharedFolder.class)
                .hasMessageContaining("it belongs to another user");
        assertThat(mode(theirs)).isEqualTo("rwx------");
        assertThat(Files.getAttribute(theirs, "unix:uid")).isEqualTo(4242);
    }
}
