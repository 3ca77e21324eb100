package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.LeftParts;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * send_files and receive_files leave unchanged files alone, over SFTP to the in-process SSH server:
 * what they skip is really identical, what changed is sent, and a send cut short is completed by the
 * next one without sending again what had arrived whole.
 */
class TransferSkipUnchangedTest {
    private static final int FILES = 40;

    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path work;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd")).start();
        Path key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(fleet.home, key);
        work = tmp.resolve("remote-work");
        ToolResult r = fleet.call("register_member", "friendly_name", "m", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                "work_folder", work.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        // Enough files to be sent over several sessions side by side, in nested folders.
        src = tmp.resolve("src/data");
        Instant past = Instant.parse("2026-01-02T03:04:05Z");
        for (int i = 0; i < FILES; i++) {
            Path f = src.resolve("d" + (i % 4) + "/file-" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content of file " + i + "\n".repeat(i));
            Files.setLastModifiedTime(f, FileTime.from(past.plusSeconds(i)));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    private ToolResult send(Object... extra) {
        Object[] args = Stream.concat(Stream.of("member_name", "m", "local_paths", List.of(src.toString())), Stream.of(extra)).toArray();
        ToolResult r = fleet.call("send_files", args);
        assertThat(r.isError()).as(r.text()).isFalse();
        return r;
    }

    private static int count(ToolResult r, String key) {
        return ((Number) ((Map<?, ?>) r.structured()).get(key)).intValue();
    }

    /** Every source file has a byte-identical copy under the work folder. */
    private void assertAllIdentical() throws Exception {
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path copy = work.resolve("data").resolve(src.relativize(f).toString());
                assertThat(Files.mismatch(f, copy)).as(copy.toString()).isEqualTo(-1L);
            }
        }
    }

    @Test
    void anUnchangedFolderIsNotSentAgainAndWhatWasSkippedIsIdentical() throws Exception {
        ToolResult first = send();
        assertThat(count(first, "succeeded")).isEqualTo(FILES);
        assertThat(count(first, "skipped")).isZero();

        ToolResult again = send();
        assertThat(count(again, "succeeded")).isZero();
        assertThat(count(again, "skipped")).isEqualTo(FILES);
        assertThat(again.text()).contains("Sent 0 of 0 files", FILES + " unchanged files skipped");
        assertAllIdentical();
    }

    @Test
    void oneChangedFileIsTheOnlyOneSent() throws Exception {
        send();
        Path changed = src.resolve("d1/file-5.txt");
        // Same size, other content, a later time: the quick check sees the time.
        Files.writeString(changed, Files.readString(changed).replace("content", "CONTENT"));
        Files.setLastModifiedTime(changed, FileTime.from(Instant.parse("2026-02-01T00:00:00Z")));

        ToolResult again = send();
        assertThat(count(again, "succeeded")).isEqualTo(1);
        assertThat(count(again, "skipped")).isEqualTo(FILES - 1);
        assertThat(again.text()).contains("file-5.txt");
        assertAllIdentical();
    }

    @Test
    void checksumModeFindsAChangeThatKeptSizeAndTime() throws Exception {
        send();
        // Changed on the member behind fleet's back, size and time kept: only the content tells.
        Path copy = work.resolve("data/d2/file-6.txt");
        FileTime kept = Files.getLastModifiedTime(copy);
        Files.writeString(copy, Files.readString(copy).replace("content", "CONTENT"));
        Files.setLastModifiedTime(copy, kept);

        assertThat(count(send(), "skipped")).as("the quick check cannot see it").isEqualTo(FILES);
        ToolResult checked = send("skip_unchanged", "checksum");
        assertThat(count(checked, "succeeded")).isEqualTo(1);
        assertThat(count(checked, "skipped")).isEqualTo(FILES - 1);
        assertAllIdentical();
    }

    @Test
    void aSendCutShortIsCompletedWithoutSendingWhatArrivedWhole() throws Exception {
        // What a send interrupted at file-7 leaves: the files before it complete, file-7 half written
        // (and written just now), the rest missing.
        Path partialSource = src.resolve("d3/file-7.txt");
        send();
        try (Stream<Path> copies = Files.walk(work.resolve("data"))) {
            for (Path c : (Iterable<Path>) copies.filter(Files::isRegularFile)::iterator) {
                String n = c.getFileName().toString();
                int i = Integer.parseInt(n.substring(5, n.length() - 4));
                if (i > 7) {
                    Files.delete(c);
                }
            }
        }
        Path partial = work.resolve("data/d3/file-7.txt");
        byte[] all = Files.readAllBytes(partialSource);
        Files.write(partial, java.util.Arrays.copyOf(all, all.length / 2));

        ToolResult resumed = send();
        assertThat(count(resumed, "skipped")).as("files 0-6 arrived whole").isEqualTo(7);
        assertThat(count(resumed, "succeeded")).isEqualTo(FILES - 7);
        assertAllIdentical();

        // A file whose bytes all arrived but whose time was not yet set is sent again too.
        Files.setLastModifiedTime(work.resolve("data/d0/file-0.txt"), FileTime.from(Instant.now()));
        ToolResult once = send();
        assertThat(count(once, "succeeded")).isEqualTo(1);
        assertAllIdentical();
    }

    @Test
    void partFilesLeftByCutCopiesAreRemovedByTheNextSendToTheirDestination() throws Exception {
        send();
        Path folder = work.resolve("data/d3");
        Instant longAgo = Instant.now().minus(java.time.Duration.ofHours(3));
        // What copies cut off hours ago left: part files of two of this send's destinations.
        Path leftOfSent = Files.writeString(folder.resolve(".file-7.txt.fleet-part-1a2b3c"), "half");
        Path leftOfSkipped = Files.writeString(folder.resolve(".file-3.txt.fleet-part-9f"), "half");
        // Not this send's to touch: a copy still writing (fresh), a file this send does not write,
        // and a user's file that only looks alike.
        Path fresh = Files.writeString(folder.resolve(".file-11.txt.fleet-part-77"), "being written");
        // Another send's, whose archive the member's tar is extracting: the time of its source
        // (hours old) at once, but the extraction's access time.
        Path extracting = Files.writeString(folder.resolve(".file-19.txt.fleet-part-4e"), "from an archive");
        Files.getFileAttributeView(extracting, BasicFileAttributeView.class).setTimes(FileTime.from(longAgo), FileTime.from(Instant.now()), null);
        Path otherFile = Files.writeString(folder.resolve(".notes.txt.fleet-part-55"), "half");
        Path lookalike = Files.writeString(folder.resolve(".file-15.txt.fleet-part-draft"), "mine");
        for (Path p : List.of(leftOfSent, leftOfSkipped, otherFile, lookalike)) {
            LeftParts.untouchedFor(p, java.time.Duration.ofHours(3));
        }
        Files.writeString(src.resolve("d3/file-7.txt"), "changed");

        ToolResult r = send();
        assertThat(count(r, "succeeded")).isEqualTo(1);
        assertThat(leftOfSent).doesNotExist();
        assertThat(leftOfSkipped).as("its destination was unchanged, still this send's").doesNotExist();
        assertThat(fresh).exists();
        assertThat(extracting).as("a part file an archive is filling").exists();
        assertThat(otherFile).exists();
        assertThat(lookalike).exists();
        assertAllIdentical();
    }

    @Test
    void neverSendsEverything() throws Exception {
        send();
        assertThat(count(send("skip_unchanged", "never"), "succeeded")).isEqualTo(FILES);
    }

    @Test
    void receiveLeavesUnchangedLocalCopiesAlone() throws Exception {
        send();
        Path back = tmp.resolve("back");
        ToolResult first = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data"), "local_dest", back.toString());
        assertThat(count(first, "succeeded")).isEqualTo(FILES);
        ToolResult again = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data"), "local_dest", back.toString());
        assertThat(count(again, "succeeded")).isZero();
        assertThat(count(again, "skipped")).isEqualTo(FILES);

        Path changed = work.resolve("data/d0/file-4.txt");
        Files.writeString(changed, "changed on the member");
        Files.setLastModifiedTime(changed, FileTime.from(Instant.parse("2026-03-01T00:00:00Z")));
        ToolResult third = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data"), "local_dest", back.toString());
        assertThat(count(third, "succeeded")).isEqualTo(1);
        assertThat(Files.readString(back.resolve("data/d0/file-4.txt"))).isEqualTo("changed on the member");

        ToolResult checked = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data"),
                "local_dest", back.toString(), "skip_unchanged", "checksum");
        assertThat(count(checked, "skipped")).isEqualTo(FILES);
    }

    /**
     * Checksum mode on a local member: a link in the work folder to a file outside it is refused
     * (as in every mode) and its target is never read to be hashed first, even when a copy of the
     * same size waits at the destination. Seen by the target's access time (skipped where reading
     * a file does not move it).
     */
    @Test
    void checksumModeNeverReadsALinksTargetOutsideTheWorkFolder() throws Exception {
        Path localWork = Files.createDirectories(tmp.resolve("local-work"));
        fleet.registerLocal("loc", localWork);
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("target"), "tgt\n");
        Files.createSymbolicLink(localWork.resolve("lnk"), outside);
        Path dest = tmp.resolve("dest");
        Files.createDirectories(dest.resolve("local-work"));
        Files.writeString(dest.resolve("local-work/lnk"), "XYZ\n");
        FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        Path probe = Files.writeString(tmp.resolve("outside/probe"), "probe\n");
        Files.setAttribute(probe, "lastAccessTime", longAgo);
        Files.readAllBytes(probe);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.getAttribute(probe, "lastAccessTime").equals(longAgo),
                "reading a file does not move its access time on this file system");
        Files.setAttribute(outside, "lastAccessTime", longAgo);

        ToolResult r = fleet.call("receive_files", "member_name", "loc", "remote_paths", List.of("."), "local_dest",
                dest.toString(), "skip_unchanged", "checksum");

        assertThat(r.text()).contains("lnk", "a link leads outside the work folder; refused");
        assertThat(Files.getAttribute(outside, "lastAccessTime")).isEqualTo(longAgo);
        assertThat(Files.readString(dest.resolve("local-work/lnk"))).isEqualTo("XYZ\n");
    }

    @Test
    void anUnknownModeIsRefusedByName() {
        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()), "skip_unchanged", "mtime");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("skip_unchanged", "size_and_mtime", "checksum", "never");
        assertThat(work.resolve("data")).doesNotExist();
    }

    /**
     * A link in a sent folder to a file is sent as that file, and every time (a link is never
     * taken for unchanged); a link to a folder is not followed, and the result says so.
     */
    @Test
    void aLinkedFileIsSentAsAFileEveryTimeAndALinkedFolderIsNotFollowed() throws Exception {
        // A link to a file in the sent folder is sent as that file.
        Files.createSymbolicLink(src.resolve("d0/linked.txt"), Path.of("..", "d1", "file-1.txt"));
        // A link to a file elsewhere on this machine is not: a folder never carries one to a member.
        Path target = Files.writeString(tmp.resolve("id_ed25519"), "a private key\n");
        Files.createSymbolicLink(src.resolve("d0/key"), target);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("not-sent.txt"), "x");
        Files.createSymbolicLink(src.resolve("folder-link"), elsewhere);

        ToolResult first = send();
        assertThat(count(first, "succeeded")).isEqualTo(FILES + 1);
        assertThat(count(first, "failed")).isEqualTo(2);
        assertThat(first.text()).contains(src.resolve("d0/key") + ": a link to a file outside " + src + "; not sent",
                src.resolve("folder-link") + ": a link to a folder; not followed");
        Path copy = work.resolve("data/d0/linked.txt");
        assertThat(Files.isSymbolicLink(copy)).isFalse();
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(src.resolve("d1/file-1.txt")));
        assertThat(work.resolve("data/d0/key")).doesNotExist();
        assertThat(work.resolve("data/folder-link")).doesNotExist();

        ToolResult again = send();
        assertThat(count(again, "succeeded")).isEqualTo(1);
        assertThat(again.text()).contains("linked.txt");
        assertThat(count(again, "skipped")).isEqualTo(FILES);

        // Named by itself, the file a link leads to is the caller's own choice.
        ToolResult named = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.resolve("d0/key").toString()));
        assertThat(count(named, "succeeded")).isEqualTo(1);
        assertThat(work.resolve("key")).hasContent("a private key");
        Files.delete(src.resolve("d0/key"));
        assertAllIdentical();
    }

    @Test
    void aFolderNamedThroughALinkIsSentUnderTheLinksNameAndLinksInsideItAreNot() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real-results"));
        Files.writeString(real.resolve("metrics.csv"), "step,loss\n1,0.5\n");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("private.txt"), "x");
        Files.createSymbolicLink(real.resolve("escape"), outside);
        Path named = Files.createSymbolicLink(tmp.resolve("results"), real);

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(named.toString()));
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(count(r, "succeeded")).isEqualTo(1);
        assertThat(Files.readString(work.resolve("results/metrics.csv"))).isEqualTo("step,loss\n1,0.5\n");
        assertThat(work.resolve("results/escape")).doesNotExist();
        assertThat(work.resolve("real-results")).doesNotExist();
    }
}
