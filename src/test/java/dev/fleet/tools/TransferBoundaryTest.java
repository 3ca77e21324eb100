package dev.fleet.tools;

import static dev.fleet.tools.TransferMembers.files;
import static dev.fleet.tools.TransferMembers.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.LeftParts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The path policy of send_files and receive_files against names a member (or a cloned repository)
 * can hold, on a local member and on a remote one over SFTP: nothing lands outside local_dest or the
 * work folder, each refused file says why, and the other files still travel.
 */
class TransferBoundaryTest {
    @TempDir
    Path tmp;
    FleetHarness fleet;
    TransferMembers members;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        members = new TransferMembers(tmp);
        fleet = members.fleet;
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    @AfterEach
    void tearDown() throws Exception {
        members.close();
    }

    private Path member(String kind) throws Exception {
        return members.member(kind, "work");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aMemberFileNamedWithWindowsSeparatorsAndDotDotStaysInsideLocalDest(String kind) throws Exception {
        Path work = member(kind);
        Path out = Files.createDirectories(work.resolve("out"));
        Files.writeString(out.resolve("..\\..\\escaped.txt"), "escaped");
        Files.writeString(out.resolve("..\\..\\..\\..\\..\\..\\tmp-escaped.txt"), "escaped");
        Files.writeString(out.resolve("C:\\drive.txt"), "drive");
        Files.writeString(out.resolve("sub\\inner.txt"), "inner");
        Files.writeString(out.resolve("plain.txt"), "plain");
        Path dest = Files.createDirectories(tmp.resolve("pm-side/deep/dest"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("out"), "local_dest", dest.toString());

        assertThat(files(tmp.resolve("pm-side"))).containsExactlyInAnyOrder("deep/dest/out/plain.txt", "deep/dest/out/sub/inner.txt");
        assertThat(Files.readString(dest.resolve("out/sub/inner.txt"))).isEqualTo("inner");
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        assertThat(results(r)).filteredOn(f -> Boolean.FALSE.equals(f.get("ok"))).hasSize(3)
                .allSatisfy(f -> assertThat((String) f.get("error")).contains("refused"));
        assertThat(r.text()).contains("Received 2 of 5 files", "'..'", "drive letter");
        assertThat(r.isError()).isFalse();
    }

    /** A pipe or device named in local_paths exists: it is refused as what it is, not reported missing. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aPipeOrDeviceIsRefusedAsSuchNotAsMissing(String kind) throws Exception {
        Path work = member(kind);
        Path pipe = tmp.resolve("pm-src/pipe");
        Files.createDirectories(pipe.getParent());
        Process mk = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assertThat(mk.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(pipe.toString(), "/dev/zero",
                tmp.resolve("pm-src/missing").toString()));

        assertThat(results(r)).extracting(f -> (String) f.get("error")).containsExactly(
                "not a regular file or folder (a pipe, device or socket); not sent",
                "not a regular file or folder (a pipe, device or socket); not sent",
                "no such file or folder on this machine");
        try (var sent = Files.list(work)) {
            assertThat(sent).isEmpty();
        }
    }

    /** A member's file name with a newline cannot write a line of its own into the result text. */
    /**
     * A copy is no more open than its source, both ways (as {@code scp -p}): a file only its owner
     * may read (a .env, a credentials file) stays so on the other side, and a script stays
     * executable. Over SFTP the bits are set before the first byte is written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aCopyIsNoMoreOpenThanItsSourceInEitherDirection(String kind) throws Exception {
        Path work = member(kind);
        Path src = Files.createDirectories(tmp.resolve("pm-src"));
        Path secret = Files.writeString(src.resolve(".env"), "TOKEN=SECRET");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path script = Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        ToolResult sent = fleet.call("send_files", "member_name", "m", "local_paths", List.of(secret.toString(), script.toString()));
        assertThat(sent.isError()).as(sent.text()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(".env")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("run.sh")))).isEqualTo("rwxr-xr-x");

        Path back = Files.createDirectories(tmp.resolve("pm-back"));
        ToolResult got = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of(".env", "run.sh"),
                "local_dest", back.toString());
        assertThat(got.isError()).as(got.text()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve(".env")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("run.sh")))).isEqualTo("rwxr-xr-x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aMemberFileNameWithANewlineStaysOnItsOwnLineOfTheResult(String kind) throws Exception {
        Path work = member(kind);
        Path out = Files.createDirectories(work.resolve("out"));
        Files.writeString(out.resolve("real.txt\n  ok      shadow -> stolen (1 bytes)"), "odd name");
        Path dest = Files.createDirectories(tmp.resolve("pm-side"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("out"), "local_dest", dest.toString());

        assertThat(r.text().lines()).hasSize(2).noneMatch(l -> l.startsWith("  ok      shadow"));
        assertThat(r.text()).contains("real.txt\\n  ok      shadow");
        assertThat(results(r)).singleElement().satisfies(f -> assertThat((String) f.get("from")).contains("real.txt\n"));
    }

    /**
     * A member's file name with invisible format characters cannot make its result line read
     * otherwise: a right-to-left override, bidi marks, embeddings and isolates, and C1 controls
     * are shown escaped, like C0 controls; the structured result keeps the names as they are.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aMemberFileNameWithBidiOrFormatCharactersIsShownEscaped(String kind) throws Exception {
        Path work = member(kind);
        Path out = Files.createDirectories(work.resolve("out"));
        List<String> names = List.of("invoice\u202Egpj.exe", "lrm\u200E\u200Fmarks", "embed\u202A\u202B\u202C\u202Dx",
                "isolate\u2066\u2067\u2068\u2069y", "c1\u0085\u009Bz", "zero\u200Bwidth\uFEFF");
        for (String name : names) {
            Files.writeString(out.resolve(name), "odd name");
        }
        Path dest = Files.createDirectories(tmp.resolve("pm-side"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("out"), "local_dest", dest.toString());

        assertThat(r.text()).contains("Received 6 of 6", "invoice\\u202egpj.exe", "lrm\\u200e\\u200fmarks",
                "embed\\u202a\\u202b\\u202c\\u202dx", "isolate\\u2066\\u2067\\u2068\\u2069y", "c1\\u0085\\u009bz",
                "zero\\u200bwidth\\ufeff");
        assertThat(r.text().codePoints()).noneMatch(c -> Character.getType(c) == Character.FORMAT || (c >= 0x80 && c <= 0x9F));
        assertThat(results(r)).extracting(f -> Path.of((String) f.get("from")).getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aLinkInLocalDestCannotCarryAReceivedFileOutside(String kind) throws Exception {
        Path work = member(kind);
        Files.createDirectories(work.resolve("out"));
        Files.writeString(work.resolve("out/data.txt"), "data");
        Files.writeString(work.resolve("top.txt"), "top");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Files.createSymbolicLink(dest.resolve("out"), outside);
        Files.createSymbolicLink(dest.resolve("top.txt"), outside.resolve("written-through-link.txt"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("out", "top.txt"),
                "local_dest", dest.toString());

        assertThat(files(outside)).isEmpty();
        assertThat(results(r)).hasSize(2).allSatisfy(f -> assertThat((String) f.get("error")).contains("outside", "refused"));
    }

    /**
     * Links in the work folder are received alike from both kinds of member: one to a file in the
     * work folder arrives as that file (named, or in a folder), one leading outside is refused with
     * its own result, never silently dropped nor "no such file".
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void linksInTheWorkFolderAreReceivedAlikeFromEitherKindOfMember(String kind) throws Exception {
        Path work = member(kind);
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("real.txt"), "inside");
        Files.createSymbolicLink(data.resolve("alias.txt"), data.resolve("real.txt"));
        Files.writeString(outside.resolve("secret.txt"), "OUTSIDE");
        Files.createSymbolicLink(data.resolve("out.txt"), outside.resolve("secret.txt"));
        Path dest = Files.createDirectories(tmp.resolve("dest-" + kind));

        ToolResult named = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data/alias.txt"),
                "local_dest", dest.resolve("named").toString());
        assertThat(named.isError()).as(named.text()).isFalse();
        assertThat(Files.readString(dest.resolve("named/alias.txt"))).isEqualTo("inside");

        ToolResult folder = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data"),
                "local_dest", dest.resolve("folder").toString());
        assertThat(files(dest.resolve("folder"))).containsExactlyInAnyOrder("data/alias.txt", "data/real.txt");
        assertThat(results(folder)).filteredOn(f -> Boolean.FALSE.equals(f.get("ok")))
                .singleElement().satisfies(f -> assertThat(String.valueOf(f.get("error"))).contains("outside the work folder"));
        assertThat(folder.text()).doesNotContain("OUTSIDE");

        ToolResult out = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("data/out.txt"),
                "local_dest", dest.resolve("out").toString());
        assertThat(out.text()).contains("outside the work folder").doesNotContain("no such file");
        assertThat(dest.resolve("out/out.txt")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aChainOfMoreLinksThanTheKernelFollowsIsRefusedNotGuessed(String kind) throws Exception {
        Path work = member(kind);
        Files.writeString(outside.resolve("secret.txt"), "outside the work folder");
        // link0 -> link1 -> ... -> link44 -> the outside folder
        Files.createSymbolicLink(work.resolve("link44"), outside);
        for (int i = 43; i >= 0; i--) {
            Files.createSymbolicLink(work.resolve("link" + i), Path.of("link" + (i + 1)));
        }
        Path dest = Files.createDirectories(tmp.resolve("dest"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("link0/secret.txt"),
                "local_dest", dest.toString());

        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(files(dest)).isEmpty();
        assertThat(r.text()).contains("link0/secret.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aLocalFileWhoseNameClimbsOnAnotherOsIsNotSent(String kind) throws Exception {
        Path work = member(kind);
        Path folder = Files.createDirectories(tmp.resolve("to-send/project"));
        Files.writeString(folder.resolve("..\\..\\..\\escaped.txt"), "escaped");
        Files.writeString(folder.resolve("main.c"), "int main;");

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(folder.toString()));

        assertThat(files(work)).containsExactly("project/main.c");
        assertThat(results(r)).filteredOn(f -> Boolean.FALSE.equals(f.get("ok"))).singleElement()
                .satisfies(f -> assertThat((String) f.get("error")).contains("'..'", "refused"));
    }

    /**
     * A member whose folder holds links where a sent folder's files would land: a subfolder that is
     * a link out, and a file name that is one. Several files go into each folder, so a folder
     * already resolved for one file is checked the same way for the next.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void linksOnTheMemberWhereSentFilesWouldLandCannotCarryThemOutside(String kind) throws Exception {
        Path work = member(kind);
        Path landing = landingWithLinksOut(work);
        Path folder = folderToSend();
        for (String name : List.of("a.txt", "b.txt", "named.txt", "sub/x.txt", "sub/y.txt", "sub/z.txt", "ok/p.txt", "ok/q.txt")) {
            Files.writeString(folder.resolve(name), "sent " + name);
        }

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(folder.toString()));

        assertThat(files(outside)).containsExactly("victim.txt");
        assertThat(Files.readString(outside.resolve("victim.txt"))).isEqualTo("keep");
        assertThat(results(r)).filteredOn(f -> Boolean.FALSE.equals(f.get("ok"))).hasSize(4)
                .allSatisfy(f -> assertThat((String) f.get("error")).contains("escapes the work folder"));
        assertThat(Files.readString(landing.resolve("a.txt"))).isEqualTo("sent a.txt");
        assertThat(Files.readString(landing.resolve("ok/q.txt"))).isEqualTo("sent ok/q.txt");
        assertThat(r.text()).contains("4 of 8");
    }

    /**
     * The same links met by a folder of many small files, which a remote member takes as one
     * archive (its files renamed into place one by one after): a folder link out and a file name
     * that is one are refused with the same words, nothing outside changes or appears, and the
     * other files arrive; none of them went as an SFTP write.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void manySmallFilesSentTogetherMeetTheLinksAsFilesSentAloneDo(String kind) throws Exception {
        Path work = member(kind);
        Path landing = landingWithLinksOut(work);
        Path folder = folderToSend();
        List<String> names = new java.util.ArrayList<>(List.of("named.txt", "sub/x.txt", "sub/y.txt"));
        for (int i = 0; i < 20; i++) {
            names.add("ok/f" + i + ".txt");
        }
        for (String name : names) {
            Files.writeString(folder.resolve(name), "sent " + name);
        }

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(folder.toString()));

        assertThat(files(outside)).containsExactly("victim.txt");
        assertThat(Files.readString(outside.resolve("victim.txt"))).isEqualTo("keep");
        assertThat(Files.isSymbolicLink(landing.resolve("named.txt"))).isTrue();
        assertThat(results(r)).filteredOn(f -> Boolean.FALSE.equals(f.get("ok"))).hasSize(3)
                .allSatisfy(f -> assertThat((String) f.get("error")).contains("escapes the work folder"));
        for (int i = 0; i < 20; i++) {
            assertThat(Files.readString(landing.resolve("ok/f" + i + ".txt"))).isEqualTo("sent ok/f" + i + ".txt");
        }
        assertThat(files(landing.resolve("ok"))).hasSize(20);
        assertThat(r.text()).contains("20 of 23");
        assertThat(members.sshd.writtenFiles()).isEmpty();
    }

    /**
     * Before a send, fleet lists each destination folder, to skip unchanged files and to remove the
     * part files that copies cut off there left behind. A folder reached through a link that leads
     * outside the work folder is not listed and nothing in it is removed: an old part file of the
     * same name in that other folder stays, and the file is refused as before.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aFolderThatALinkLeadsOutsideIsNeitherListedNorCleanedUp(String kind) throws Exception {
        Path work = member(kind);
        Path project = Files.createDirectories(work.resolve("project"));
        Path elsewhere = Files.createDirectories(outside.resolve("other/lib"));
        Files.createSymbolicLink(project.resolve("shared"), outside.resolve("other"));
        Path leftPart = LeftParts.untouchedFor(Files.writeString(elsewhere.resolve(".util.c.fleet-part-3f"), "not fleet's to remove"),
                java.time.Duration.ofHours(3));
        Path lib = Files.createDirectories(tmp.resolve("to-send/lib"));
        Files.writeString(lib.resolve("util.c"), "int main;");

        ToolResult r = fleet.call("send_files", "member_name", "m", "remote_subfolder", "project/shared",
                "local_paths", List.of(lib.toString()));

        assertThat(leftPart).hasContent("not fleet's to remove");
        assertThat(files(outside)).containsExactly("other/lib/.util.c.fleet-part-3f");
        assertThat(results(r)).singleElement()
                .satisfies(f -> assertThat((String) f.get("error")).contains("escapes the work folder"));
    }

    /** {@code project} in the work folder, with {@code sub} a link to the outside folder and {@code named.txt} a link to a file there. */
    private Path landingWithLinksOut(Path work) throws Exception {
        Path landing = Files.createDirectories(work.resolve("project"));
        Files.createSymbolicLink(landing.resolve("sub"), outside);
        Files.writeString(outside.resolve("victim.txt"), "keep");
        Files.createSymbolicLink(landing.resolve("named.txt"), outside.resolve("victim.txt"));
        return landing;
    }

    /** A local {@code project} folder to send, with the subfolders {@code sub} and {@code ok}. */
    private Path folderToSend() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("to-send/project"));
        Files.createDirectories(folder.resolve("sub"));
        Files.createDirectories(folder.resolve("ok"));
        return folder;
    }
}
