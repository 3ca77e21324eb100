package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local member's copies follow no link on the member's side: a folder or the file swapped for a
 * link between fleet's check of where it leads and the copy (what a process racing fleet in a work
 * folder would do) fails the copy, and nothing outside the work folder is read or written. The
 * swaps are made by the placement, at the moment its check has just passed.
 */
class LinkFreeCopiesTest {
    @TempDir
    Path tmp;
    Path work;
    Path outside;
    LinkFreeFolders folders = new LinkFreeFolders();

    @org.junit.jupiter.api.AfterEach
    void closeFolders() {
        folders.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LinkFreePaths.SUPPORTED, "this machine opens no folder relative to another");
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    }

    /** Refuses what lies outside the work folder, as send_files' placement does; runs {@code swap} at check {@code at}. */
    private FileSession.Placement placement(int at, ThrowingRunnable swap) {
        AtomicInteger checks = new AtomicInteger();
        return realPath -> {
            if (!realPath.startsWith(work + "/")) {
                return "destination escapes the work folder; refused";
            }
            if (checks.incrementAndGet() == at) {
                try {
                    swap.run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        };
    }

    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    /** Puts a link to {@code target} where the folder {@code folder} was (the folder moved aside). */
    private static void swapForLink(Path folder, Path target) throws IOException {
        Files.move(folder, folder.resolveSibling(folder.getFileName() + "-aside"));
        Files.createSymbolicLink(folder, target);
    }

    /** The download of {@code checked} fails saying {@code why}, and no local file is made. */
    private void assertRefusedUnread(Path checked, Path local, String why) {
        assertThatThrownBy(() -> LinkFreeCopies.download(folders, checked, local))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(why);
        assertThat(local).doesNotExist();
    }

    private List<Path> everythingIn(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> !p.equals(folder)).toList();
        }
    }

    @Test
    void aFileArrivesWithItsTimeAndModeAndFoldersAreMade() throws Exception {
        Path local = Files.writeString(tmp.resolve("a.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxr-x---"));
        Path to = work.resolve("new/deeper/a.sh");

        LinkFreeCopies.upload(folders, local, to, 1_700_000_000L, placement(0, () -> { }));

        assertThat(to).hasContent("#!/bin/sh\necho hi\n");
        assertThat(Files.getLastModifiedTime(to)).isEqualTo(FileTime.from(1_700_000_000L, TimeUnit.SECONDS));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to))).isEqualTo("rwxr-x---");
        assertThat(everythingIn(work)).containsExactlyInAnyOrder(work.resolve("new"), work.resolve("new/deeper"), to);
    }

    /** Into the swapped folder itself, and into a folder still to be made under it. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"payload.txt", "new/payload.txt"})
    void aFolderSwappedForALinkAfterTheCheckLeadsNoUploadOutside(String underSub) throws Exception {
        Path local = Files.writeString(tmp.resolve("payload.txt"), "payload");
        Path sub = Files.createDirectories(work.resolve("sub"));
        Path to = sub.resolve(underSub);

        assertThatThrownBy(() -> LinkFreeCopies.upload(folders, local, to, 1_700_000_000L, placement(1, () -> swapForLink(sub, outside))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is a link or not a folder");

        assertThat(everythingIn(outside)).as("nothing made outside, no folder or part file either").isEmpty();
        assertThat(everythingIn(work.resolve("sub-aside"))).isEmpty();
    }

    @Test
    void aLinkPlantedUnderTheNameRightBeforeTheRenameIsReplacedNotWrittenThrough() throws Exception {
        Path local = Files.writeString(tmp.resolve("payload.txt"), "payload");
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep");
        Path to = work.resolve("payload.txt");

        // The second check is the last look at the name before the rename.
        LinkFreeCopies.upload(folders, local, to, 1_700_000_000L, placement(2, () -> Files.createSymbolicLink(to, victim)));

        assertThat(Files.isSymbolicLink(to)).isFalse();
        assertThat(to).hasContent("payload");
        assertThat(victim).hasContent("keep");
        assertThat(everythingIn(outside)).containsExactly(victim);
    }

    @Test
    void aDownloadKeepsTheFilesTimeAndMode() throws Exception {
        Path file = Files.writeString(work.resolve("result.txt"), "numbers");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(file, FileTime.from(1_600_000_000L, TimeUnit.SECONDS));
        Path local = tmp.resolve("dest/result.txt");

        LinkFreeCopies.download(folders, file, local);

        assertThat(local).hasContent("numbers");
        assertThat(Files.getLastModifiedTime(local)).isEqualTo(FileTime.from(1_600_000_000L, TimeUnit.SECONDS));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rw-r-----");
    }

    @Test
    void aFolderSwappedForALinkAfterTheCheckLetsNothingOutsideBeRead() throws Exception {
        Path sub = Files.createDirectories(work.resolve("sub"));
        Path checked = Files.writeString(sub.resolve("f.txt"), "inside").toRealPath();
        Files.writeString(outside.resolve("f.txt"), "CANARY outside");
        swapForLink(sub, outside);
        Path local = tmp.resolve("dest/f.txt");

        assertRefusedUnread(checked, local, "is a link or not a folder");
    }

    @Test
    void aFileSwappedForALinkOrAPipeIsRefusedUnread() throws Exception {
        Path checked = Files.writeString(work.resolve("f.txt"), "inside").toRealPath();
        Files.delete(checked);
        Files.createSymbolicLink(checked, Files.writeString(outside.resolve("secret.txt"), "CANARY outside"));
        Path local = tmp.resolve("dest/f.txt");

        assertRefusedUnread(checked, local, "a link now");

        Files.delete(checked);
        Process mkfifo = new ProcessBuilder("mkfifo", checked.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        assertRefusedUnread(checked, local, "not a regular file");
    }

    @Test
    void aBatchKeepsAFewFoldersOpenAndClosesThemAll() throws Exception {
        Path local = Files.writeString(tmp.resolve("small.txt"), "small");
        long before = openDescriptors();
        int folderCount = LinkFreeFolders.MOST_OPEN + 8;
        for (int i = 0; i < folderCount; i++) {
            for (int j = 0; j < 3; j++) {
                LinkFreeCopies.upload(folders, local, work.resolve("tree/d" + i + "/f" + j + ".txt"), 1_700_000_000L,
                        placement(0, () -> { }));
            }
        }
        assertThat(openDescriptors() - before).as("at most the kept folders are open, two descriptors each").isLessThanOrEqualTo(2L * LinkFreeFolders.MOST_OPEN);
        folders.close();
        assertThat(openDescriptors()).isLessThanOrEqualTo(before);
        try (Stream<Path> files = Files.walk(work.resolve("tree"))) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(3L * folderCount);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
