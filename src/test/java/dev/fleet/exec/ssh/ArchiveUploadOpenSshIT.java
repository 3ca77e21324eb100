package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileSession.Together;
import dev.fleet.exec.FileSession.Upload;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files sent together against a real OpenSSH sshd, its sftp-server and the member's real GNU tar:
 * the tar takes fleet's options ({@link OsCommands#archiveExtractCheck}), hundreds of files arrive
 * through several archives side by side with their bytes, times and modes, a link at a
 * destination's name is refused where it leads, and the tar itself never writes through a link
 * planted at a name it extracts to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveUploadOpenSshIT {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private static final OsCommands LINUX = OsCommands.forOs(MemberOs.LINUX);
    private static final long TIME = 1_600_000_000L;

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;

    @Test
    void hundredsOfFilesArriveThroughSeveralArchivesAsCopiesAloneWouldLeaveThem() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("many"));
        Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep");
        Files.createDirectories(work.resolve("d3"));
        Path nameLink = Files.createSymbolicLink(work.resolve("d3/f7"), victim);
        int count = ArchiveUploads.FILES_PER_ARCHIVE * 2 + 11;
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[i * 13 % 5000];
            new Random(i).nextBytes(bytes);
            Path source = Files.write(Files.createDirectories(dir.resolve("src")).resolve("f" + i), bytes);
            uploads.add(upload(source, work.resolve("d" + i % 10 + "/f" + i / 10).toString(), TIME + i, n -> { }));
        }
        Files.setPosixFilePermissions(uploads.get(1).localFile(), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(uploads.get(2).localFile(), PosixFilePermissions.fromString("rwxrwxr-x"));
        String root = work.toString();
        List<Together> outcomes;
        long sent = Instant.now().getEpochSecond() - 1;
        try (SshPool pool = pool(dir)) {
            SshChannel channel = new SshChannel("m1", SSHD.get().target("many"), pool, LINUX, new SpillFiles(dir.resolve("out"), CLOCK));
            try (FileSession files = channel.files()) {
                outcomes = files.uploadTogether(uploads, real -> real.startsWith(root + "/") ? null : "outside; refused");
                // The real tar gives the extraction's time as access time, and OpenSSH's listing
                // states it: what tells another send that a part file is being filled.
                assertThat(files.describe(List.of(work.resolve("d0").toString())).values())
                        .isNotEmpty().allSatisfy(s -> assertThat(s.lastTouchedSeconds()).isGreaterThanOrEqualTo(sent));
            }
            try (SshPool.Lease lease = pool.lease(SSHD.get().target("many"))) {
                assertThat(ArchiveUploads.known(lease.session())).as("the real tar took the options").isBetween(0, 0777);
            }
        }
        int linked = 73; // d3/f7
        assertThat(outcomes.get(linked)).isInstanceOfSatisfying(Together.Failed.class,
                f -> assertThat(f.error()).hasMessage("outside; refused"));
        for (int i = 0; i < count; i++) {
            if (i == linked) {
                continue;
            }
            Path arrived = Path.of(uploads.get(i).memberPath());
            assertThat(outcomes.get(i)).as("file %d", i).isInstanceOf(Together.Placed.class);
            assertThat(Files.mismatch(uploads.get(i).localFile(), arrived)).as("file %d", i).isEqualTo(-1);
            assertThat(Files.getLastModifiedTime(arrived)).isEqualTo(FileTime.from(Instant.ofEpochSecond(TIME + i)));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(uploads.get(1).memberPath()))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(uploads.get(2).memberPath()))))
                .isEqualTo("rwxrwxr-x");
        assertThat(victim).hasContent("keep");
        assertThat(Files.isSymbolicLink(nameLink)).isTrue();
        try (Stream<Path> all = Files.walk(work)) {
            assertThat(all.filter(p -> p.getFileName().toString().contains(".fleet-part-"))).isEmpty();
        }
    }

    /** The member's tar, given an archive whose name is a link already there: the link is replaced, what it leads to is not touched. */
    @Test
    void theMembersTarReplacesALinkAtANameAndNeverWritesThroughIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tar-link")).toRealPath();
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("part"), victim);
        Path source = Files.writeString(dir.resolve("source"), "new bytes");
        ArchiveStream archive = new ArchiveStream(List.of(new ArchiveStream.Entry(source, link.toString().substring(1), 0600, TIME,
                ArchiveUploads.LARGEST)));
        try (SshPool pool = pool(dir); SshPool.Lease lease = pool.lease(SSHD.get().target("tar-link"))) {
            StreamedWrites.Outcome outcome = StreamedWrites.write(lease.session(), LINUX, LINUX.archiveExtract().orElseThrow(), "test",
                    archive, Duration.ofSeconds(30));
            assertThat(outcome).isInstanceOf(StreamedWrites.Written.class);
        }
        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("new bytes");
    }

    private static SshPool pool(Path dir) {
        return new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), CLOCK, Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /** An upload of {@code source} as planned now: its size read from the file. */
    private static Upload upload(Path source, String memberPath, long time, java.util.function.LongConsumer progress) throws Exception {
        return new Upload(source, memberPath, time, Files.size(source), progress);
    }
}
