package dev.fleet.tools;

import static dev.fleet.tools.TransferMembers.files;
import static dev.fleet.tools.TransferMembers.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.PartFile;
import dev.fleet.testing.LeftParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names that are ordinary on a Linux or macOS member but would mean something else on
 * Windows ({@code \} and {@code C:} are plain characters there), and names near the 255-byte
 * limit of a file name, on a local member and on a remote one over SFTP.
 */
class TransferPosixNamesTest {
    @TempDir
    Path tmp;
    FleetHarness fleet;
    TransferMembers members;

    @BeforeEach
    void setUp() throws Exception {
        members = new TransferMembers(tmp);
        fleet = members.fleet;
    }

    @AfterEach
    void tearDown() throws Exception {
        members.close();
    }

    private Path member(String kind) throws Exception {
        return members.member(kind, "rws");
    }

    /** The folder beside {@code work} whose name is the work folder's followed by a backslash: a sibling on POSIX. */
    private static Path backslashSibling(Path work, String rest) {
        return work.resolveSibling(work.getFileName() + "\\" + rest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aLinkToTheWorkFoldersBackslashSiblingCarriesNoSentFileThere(String kind) throws Exception {
        Path work = member(kind);
        Path sibling = Files.createDirectories(backslashSibling(work, "out"));
        Files.writeString(sibling.resolve("victim.txt"), "keep");
        Files.createSymbolicLink(work.resolve("o"), sibling);
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("victim.txt"), "overwritten");

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()),
                "remote_subfolder", "o");

        assertThat(sibling.resolve("victim.txt")).hasContent("keep");
        assertThat(files(sibling)).containsExactly("victim.txt");
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(results(r)).singleElement()
                .satisfies(f -> assertThat((String) f.get("error")).contains("escapes the work folder", "refused"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aLinkToTheWorkFoldersBackslashSiblingLetsNothingBeReceived(String kind) throws Exception {
        Path work = member(kind);
        Path sibling = Files.createDirectories(backslashSibling(work, "out"));
        Files.writeString(sibling.resolve("victim.txt"), "secret");
        Path leak = Files.writeString(backslashSibling(work, "leak.txt"), "secret");
        Files.createSymbolicLink(work.resolve("o"), sibling);
        Files.createSymbolicLink(work.resolve("l"), leak);
        Path dest = Files.createDirectories(tmp.resolve("dest"));

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("o", "l", "o/victim.txt"),
                "local_dest", dest.toString());

        assertThat(files(dest)).isEmpty();
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(results(r)).hasSize(3)
                .allSatisfy(f -> assertThat((String) f.get("error")).contains("outside the work folder", "refused"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aSubfolderNamedLikeADriveIsAnOrdinaryFolderOnAPosixMember(String kind) throws Exception {
        Path work = member(kind);
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("a.txt"), "a");

        for (String subfolder : List.of("C:", "D:", "x/C:")) {
            ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()),
                    "remote_subfolder", subfolder);
            assertThat(r.isError()).as(subfolder + ": " + r.text()).isFalse();
            assertThat(work.resolve(subfolder).resolve("a.txt")).as(subfolder).hasContent("a");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aFileWithA250ByteNameTravelsBothWays(String kind) throws Exception {
        Path work = member(kind);
        String ascii = "a".repeat(246) + ".txt";
        // Two bytes a letter: a name cut short for its part file must not be cut inside one.
        String accented = "é".repeat(123) + ".txt";
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (String name : List.of(ascii, accented)) {
            assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(250);
            Files.writeString(src.resolve(name), "sent " + name.length());
        }

        ToolResult sent = fleet.call("send_files", "member_name", "m", "local_paths",
                List.of(src.resolve(ascii).toString(), src.resolve(accented).toString()));
        assertThat(sent.isError()).as(sent.text()).isFalse();
        assertThat(sent.text()).contains("Sent 2 of 2");
        assertThat(work.resolve(ascii)).hasContent("sent 250");
        assertThat(work.resolve(accented)).hasContent("sent 127");

        Path dest = Files.createDirectories(tmp.resolve("dest"));
        ToolResult got = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of(ascii, accented),
                "local_dest", dest.toString());
        assertThat(got.isError()).as(got.text()).isFalse();
        assertThat(got.text()).contains("Received 2 of 2");
        assertThat(files(dest)).containsExactlyInAnyOrder(ascii, accented);
        assertThat(files(work)).containsExactlyInAnyOrder(ascii, accented);
    }

    /**
     * A copy to a long name that was cut off leaves a part file whose name holds only the start of
     * the destination's: the next send to that destination still knows it and removes it, and
     * leaves alone the part file of another long name that starts alike.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aPartFileLeftByACutCopyToALongNameIsRemovedByTheNextSend(String kind) throws Exception {
        Path work = member(kind);
        String name = "a".repeat(246) + ".txt";
        String alike = "a".repeat(246) + ".md";
        Path leftOfSent = Files.writeString(PartFile.beside(work.resolve(name)), "half");
        Path leftOfOther = Files.writeString(PartFile.beside(work.resolve(alike)), "half");
        for (Path p : List.of(leftOfSent, leftOfOther)) {
            LeftParts.untouchedFor(p, Duration.ofHours(3));
        }
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve(name), "whole");

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()));

        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(work.resolve(name)).hasContent("whole");
        assertThat(leftOfSent).doesNotExist();
        assertThat(leftOfOther).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aSubfolderWithANameLongerThan255BytesIsRefusedNamingTheRule(String kind) throws Exception {
        Path work = member(kind);
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("a.txt"), "a");

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()),
                "remote_subfolder", "ok/" + "s".repeat(300));

        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("remote_subfolder", "255 bytes");
        assertThat(files(work)).isEmpty();
        try (Stream<Path> all = Files.list(work)) {
            assertThat(all).isEmpty();
        }
    }
}
