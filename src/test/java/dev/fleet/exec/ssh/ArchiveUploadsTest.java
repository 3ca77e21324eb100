package dev.fleet.exec.ssh;

import static dev.fleet.exec.ssh.SshChannelFixture.randomFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileSession.Together;
import dev.fleet.exec.FileSession.Upload;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many small files sent together ({@link ArchiveUploads}): one archive into the member's real GNU
 * tar (the in-process server runs commands on this machine), then renames over SFTP, against
 * SFTP version 3 (as OpenSSH) and 6 (MINA's own). Each file arrives as a copy alone would leave
 * it, the boundary holds for links at names and in folders, and whatever this way cannot do is
 * left for the copy alone with nothing left behind.
 */
class ArchiveUploadsTest {
    private static final long TIME = 1_700_000_000L;
    private static final String OUTSIDE = "destination escapes the work folder; refused";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void manyFilesArriveWithTheirBytesTimeAndModeAsOneArchive(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null)) {
            List<Path> sources = new ArrayList<>();
            List<Upload> uploads = new ArrayList<>();
            long[] reported = new long[1];
            for (int i = 0; i < 20; i++) {
                Path source = randomFile(tmp.resolve("src/f" + i), i * 700);
                String name = switch (i) {
                    case 0 -> "new/deeper/" + "long-name-".repeat(12) + i; // longer than a header holds
                    case 1 -> "new/ünïcode name with spaces " + i;
                    default -> (i % 2 == 0 ? "a/" : "new/") + "f" + i + ".txt";
                };
                sources.add(source);
                uploads.add(upload(source, ssh.work.resolve(name).toString(), TIME + i, n -> reported[0] += n));
            }
            Files.setPosixFilePermissions(sources.get(2), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(sources.get(3), PosixFilePermissions.fromString("rwxrwxr-x"));
            Files.createDirectories(ssh.work.resolve("a"));
            List<Together> outcomes;
            Instant sent = Instant.now().minusSeconds(1);
            try (FileSession files = ssh.channel.files()) {
                outcomes = files.uploadTogether(uploads, insideOnly(ssh, new ArrayList<>()));
            }
            for (int i = 0; i < 20; i++) {
                Path arrived = Path.of(uploads.get(i).memberPath());
                assertThat(outcomes.get(i)).as("file %d", i).isEqualTo(new Together.Placed(i * 700L));
                // The extraction's time as access time, whatever the file's own: what tells another
                // send that a part file is being filled, not left by a copy cut off hours ago.
                assertThat(Files.readAttributes(arrived, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime().toInstant())
                        .as("file %d", i).isAfterOrEqualTo(sent);
                assertThat(Files.mismatch(sources.get(i), arrived)).as("file %d", i).isEqualTo(-1);
                assertThat(Files.getLastModifiedTime(arrived)).isEqualTo(FileTime.from(Instant.ofEpochSecond(TIME + i)));
            }
            assertThat(reported[0]).isEqualTo(700L * (19 * 20 / 2));
            assertThat(mode(uploads.get(2))).isEqualTo("rw-------");
            assertThat(mode(uploads.get(3))).isEqualTo("rwxrwxr-x");
            // As the member's SFTP server creates a file it is sent no bits for: 0666 with the umask (022 here).
            assertThat(mode(uploads.get(4))).isEqualTo("rw-r--r--");
            assertThat(partFiles(ssh.work)).isEmpty();
            // Not one byte went as an SFTP write: they all went through tar.
            assertThat(ssh.sshd.writtenFiles()).isEmpty();
        }
    }

    /**
     * The hostile cases: a destination name that is a link to a file outside, and a folder that
     * is a link to a folder outside. Both are refused with the placement's words; nothing outside
     * changes, nothing is made there, the links stay, and the other files arrive.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void linksAtNamesAndInFoldersAreJudgedWhereTheyLeadAndNothingOutsideChanges(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null)) {
            Path outside = Files.createDirectories(tmp.resolve("outside"));
            Path victim = Files.writeString(outside.resolve("victim.txt"), "keep");
            Path nameLink = Files.createSymbolicLink(ssh.work.resolve("named.txt"), victim);
            Path folderLink = Files.createSymbolicLink(ssh.work.resolve("out"), outside);
            List<Upload> uploads = new ArrayList<>();
            uploads.add(upload(randomFile(tmp.resolve("src/x"), 100), nameLink.toString(), TIME, n -> { }));
            uploads.add(upload(randomFile(tmp.resolve("src/y"), 100), folderLink.resolve("planted.txt").toString(), TIME, n -> { }));
            uploads.add(upload(randomFile(tmp.resolve("src/z"), 100), folderLink.resolve("sub/planted.txt").toString(), TIME,
                    n -> { }));
            for (int i = 0; i < 17; i++) {
                uploads.add(upload(randomFile(tmp.resolve("src/f" + i), 50), ssh.work.resolve("ok/f" + i).toString(), TIME, n -> { }));
            }
            List<String> judged = new ArrayList<>();
            List<Together> outcomes;
            try (FileSession files = ssh.channel.files()) {
                outcomes = files.uploadTogether(uploads, insideOnly(ssh, judged));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(outcomes.get(i)).as("file %d", i).isInstanceOfSatisfying(Together.Failed.class,
                        f -> assertThat(f.error()).isInstanceOf(FileSession.Refused.class).hasMessage(OUTSIDE));
            }
            assertThat(outcomes.subList(3, 20)).allMatch(Together.Placed.class::isInstance);
            assertThat(victim).hasContent("keep");
            assertThat(names(outside)).containsExactly("victim.txt");
            assertThat(Files.isSymbolicLink(nameLink)).isTrue();
            assertThat(Files.isSymbolicLink(folderLink)).isTrue();
            assertThat(partFiles(ssh.work)).isEmpty();
            // The link at a name: its name as written before anything was made, where it leads right before the rename.
            assertThat(judged).containsSubsequence(nameLink.toString(), victim.toRealPath().toString());
        }
    }

    @Test
    void aDestinationTheRenameCannotReplaceIsLeftForTheCopyAloneWithNoPartFile() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), 3, null)) {
            Files.createDirectories(ssh.work.resolve("ok/f5/inside"));
            List<Upload> uploads = files(ssh, 20, "ok/f");
            List<Together> outcomes;
            try (FileSession files = ssh.channel.files()) {
                outcomes = files.uploadTogether(uploads, insideOnly(ssh, new ArrayList<>()));
            }
            assertThat(outcomes.get(5)).isInstanceOf(Together.Left.class);
            assertThat(outcomes.stream().filter(Together.Placed.class::isInstance)).hasSize(19);
            assertThat(ssh.work.resolve("ok/f5/inside")).isDirectory();
            assertThat(partFiles(ssh.work)).isEmpty();
        }
    }

    @Test
    void fewFilesLargeFilesAndTurnedOffStreamsAreLeftForTheCopyAlone() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), 3, null)) {
            List<Upload> few = files(ssh, ArchiveUploads.FEWEST - 1, "few/f");
            List<Upload> many = files(ssh, 20, "many/f");
            many.set(0, upload(randomFile(tmp.resolve("src/large"), (int) ArchiveUploads.LARGEST + 1),
                    ssh.work.resolve("many/large").toString(), TIME, n -> { }));
            try (FileSession files = ssh.channel.files()) {
                assertThat(files.uploadTogether(few, insideOnly(ssh, new ArrayList<>()))).allMatch(Together.Left.class::isInstance);
                List<Together> outcomes = files.uploadTogether(many, insideOnly(ssh, new ArrayList<>()));
                assertThat(outcomes.get(0)).isInstanceOf(Together.Left.class);
                assertThat(outcomes.subList(1, 20)).allMatch(Together.Placed.class::isInstance);
            }
            assertThat(ssh.work.resolve("few")).doesNotExist();
            assertThat(ssh.work.resolve("many/large")).doesNotExist();
            ssh.pool.streamUploads(false);
            List<Upload> off = files(ssh, 20, "off/f");
            try (FileSession files = ssh.channel.files()) {
                assertThat(files.uploadTogether(off, insideOnly(ssh, new ArrayList<>()))).allMatch(Together.Left.class::isInstance);
            }
            assertThat(ssh.work.resolve("off")).doesNotExist();
        }
    }

    /** A member whose tar is not GNU's answers no, once per connection: every file goes alone and nothing is made. */
    @Test
    void aMemberWithoutGnuTarLeavesEveryFileForTheCopyAlone() throws Exception {
        OsCommands noGnuTar = changed(Map.of("archiveExtractCheck", Optional.of("echo 'tar (BSD) 3.5'")));
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), 3, null, noGnuTar)) {
            try (FileSession files = ssh.channel.files()) {
                assertThat(files.uploadTogether(files(ssh, 20, "a/f"), insideOnly(ssh, new ArrayList<>())))
                        .allMatch(Together.Left.class::isInstance);
                assertThat(files.uploadTogether(files(ssh, 20, "b/f"), insideOnly(ssh, new ArrayList<>())))
                        .allMatch(Together.Left.class::isInstance);
            }
            assertThat(names(ssh.work)).isEmpty();
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThat(ArchiveUploads.known(lease.session())).isEqualTo(ArchiveUploads.NO_ARCHIVES);
            }
        }
    }

    /** A tar that wrote every file and then failed: its part files are removed and every file goes alone. */
    @Test
    void aFailedTarLeavesNoPartFileAndEveryFileForTheCopyAlone() throws Exception {
        OsCommands failingTar = changed(Map.of("archiveExtract",
                Optional.of("cd / && tar -x --same-permissions --no-same-owner -f -; echo 'disk full' >&2; exit 2")));
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), 3, null, failingTar)) {
            try (FileSession files = ssh.channel.files()) {
                assertThat(files.uploadTogether(files(ssh, 20, "a/f"), insideOnly(ssh, new ArrayList<>())))
                        .allMatch(Together.Left.class::isInstance);
            }
            assertThat(names(ssh.work.resolve("a"))).isEmpty();
        }
    }

    /** More files than one archive takes go as several, side by side, each into a tar of its own; every file arrives. */
    @Test
    void manyMoreFilesGoAsSeveralArchivesSideBySide() throws Exception {
        Path runs = tmp.resolve("tar-runs");
        OsCommands countedTar = changed(Map.of("archiveExtract", Optional.of("echo run >> '" + runs + "'; "
                + OsCommands.forOs(MemberOs.LINUX).archiveExtract().orElseThrow())));
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), 3, null, countedTar)) {
            List<Upload> uploads = files(ssh, ArchiveUploads.FILES_PER_ARCHIVE * 3, "d/f");
            List<Together> outcomes;
            try (FileSession files = ssh.channel.files()) {
                outcomes = files.uploadTogether(uploads, insideOnly(ssh, new ArrayList<>()));
            }
            assertThat(outcomes).allMatch(Together.Placed.class::isInstance);
            assertThat(Files.readAllLines(runs)).hasSize(3);
            for (Upload u : uploads) {
                assertThat(Files.mismatch(u.localFile(), Path.of(u.memberPath()))).isEqualTo(-1);
            }
            assertThat(partFiles(ssh.work)).isEmpty();
        }
    }

    @Test
    void theUmaskFollowsTheMarkOrNothingIsTaken() {
        assertThat(ArchiveUploads.umaskAfterMark(OsCommands.ARCHIVE_EXTRACT_OK + " 0022")).isEqualTo(022);
        assertThat(ArchiveUploads.umaskAfterMark(OsCommands.ARCHIVE_EXTRACT_OK + " 0077")).isEqualTo(077);
        assertThat(ArchiveUploads.umaskAfterMark(OsCommands.ARCHIVE_EXTRACT_OK + " 002")).isEqualTo(002);
        assertThat(ArchiveUploads.umaskAfterMark(OsCommands.ARCHIVE_EXTRACT_OK)).isEqualTo(ArchiveUploads.NO_ARCHIVES);
        assertThat(ArchiveUploads.umaskAfterMark(OsCommands.ARCHIVE_EXTRACT_OK + " u=rwx")).isEqualTo(ArchiveUploads.NO_ARCHIVES);
        assertThat(ArchiveUploads.umaskAfterMark("")).isEqualTo(ArchiveUploads.NO_ARCHIVES);
    }

    private List<Upload> files(SshChannelFixture ssh, int count, String prefix) throws Exception {
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path source = randomFile(tmp.resolve("src/" + prefix.replace('/', '-') + i), 64 + i);
            uploads.add(upload(source, ssh.work.resolve(prefix + i).toString(), TIME, n -> { }));
        }
        return uploads;
    }

    private static FileSession.Placement insideOnly(SshChannelFixture ssh, List<String> judged) {
        String root = ssh.work.toString();
        return real -> {
            synchronized (judged) {
                judged.add(real);
            }
            return real.startsWith(root + "/") ? null : OUTSIDE;
        };
    }

    /** A Linux member's commands with {@code changed} ones (by method name) answering as given. */
    private static OsCommands changed(Map<String, Object> changed) {
        OsCommands linux = OsCommands.forOs(MemberOs.LINUX);
        return (OsCommands) Proxy.newProxyInstance(OsCommands.class.getClassLoader(), new Class<?>[] {OsCommands.class},
                (proxy, method, args) -> {
                    if (changed.containsKey(method.getName())) {
                        return changed.get(method.getName());
                    }
                    try {
                        return method.invoke(linux, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String mode(Upload u) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(u.memberPath())));
    }

    private static List<Path> partFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().contains(".fleet-part-")).toList();
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** An upload of {@code source} as planned now: its size read from the file. */
    private static Upload upload(Path source, String memberPath, long time, java.util.function.LongConsumer progress) throws Exception {
        return new Upload(source, memberPath, time, Files.size(source), progress);
    }
}
