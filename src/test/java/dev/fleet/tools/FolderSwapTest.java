package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process on the member swaps a folder for a link to outside the work folder while a transfer
 * over SFTP runs through it (after fleet has resolved the folder, which SFTP cannot pin). Fleet
 * cannot stop the files after the swap from following the link, but it never reports them as
 * done: a sent file says where it may have gone, and a received one, which may hold a file from
 * out there, is removed from this machine.
 */
class FolderSwapTest {
    private static final long BIG = 96L * 1024 * 1024;

    @TempDir
    Path tmp;
    TransferMembers members;
    FleetHarness fleet;
    Path work;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        members = new TransferMembers(tmp);
        fleet = members.fleet;
        outside = Files.createDirectories(tmp.resolve("outside"));
        work = members.member("remote", "work");
    }

    @AfterEach
    void tearDown() throws Exception {
        members.close();
    }

    private static void sparse(Path file, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    /** Once a part file shows in {@code watched}, moves {@code folder} aside and puts a link to {@code outside} in its place. */
    private CompletableFuture<Boolean> swapWhenAPartFileShows(Path watched, Path folder) {
        return CompletableFuture.supplyAsync(() -> {
            long until = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < until) {
                try (Stream<Path> in = Files.exists(watched) ? Files.list(watched) : Stream.empty()) {
                    if (in.anyMatch(p -> p.getFileName().toString().contains("fleet-part"))) {
                        Files.move(folder, folder.resolveSibling(folder.getFileName() + ".moved"));
                        Files.createSymbolicLink(folder, outside);
                        return true;
                    }
                } catch (Exception e) {
                    // Listing raced with the copy's own rename: look again.
                }
                Thread.onSpinWait();
            }
            return false;
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> byFile(ToolResult r) {
        List<Map<String, Object>> files = (List<Map<String, Object>>) ((Map<String, Object>) r.structured()).get("files");
        Map<String, Map<String, Object>> by = new java.util.HashMap<>();
        files.forEach(f -> by.put(Path.of(String.valueOf(f.get("from"))).getFileName().toString(), f));
        return by;
    }

    @Test
    void aFileSentThroughAFolderSwappedMidTransferIsNeverReportedDone() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/big"));
        sparse(src.resolve("a.bin"), BIG);
        Files.writeString(src.resolve("b.txt"), "after the swap");
        Files.createDirectories(work.resolve("big"));
        CompletableFuture<Boolean> swapped = swapWhenAPartFileShows(work.resolve("big"), work.resolve("big"));

        ToolResult r = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()), "skip_unchanged", "never");

        assertThat(swapped.join()).as("the swap happened during the transfer").isTrue();
        Map<String, Object> b = byFile(r).get("b.txt");
        assertThat(b.get("ok")).as(r.text()).isEqualTo(false);
        assertThat(String.valueOf(b.get("error"))).contains("was replaced by a link to " + outside.toRealPath(), "check that folder");
        assertThat(r.text()).doesNotContain("ok b.txt");
    }

    /**
     * The look at the folders after a transfer goes over the transfer's own SFTP session, each
     * folder resolved anew: a session of its own would start one more SFTP server on the member
     * for every call (a process with OpenSSH's). And a transfer call right after another takes the
     * session that one kept open. The two swap tests of this class hold that it still sees a swap,
     * sent and received.
     */
    @Test
    void aSendAndTheReceiveAfterItOpenOneSftpSessionOnTheMember() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/sub"));
        Files.writeString(src.resolve("a.txt"), "a");
        int before = members.sshd.sftpSessions();

        ToolResult sent = fleet.call("send_files", "member_name", "m", "local_paths", List.of(src.toString()));

        assertThat(sent.isError()).as(sent.text()).isFalse();
        assertThat(work.resolve("sub/a.txt")).hasContent("a");
        assertThat(members.sshd.sftpSessions() - before).as("SFTP sessions of one send_files").isEqualTo(1);
        Path dest = Files.createDirectories(tmp.resolve("back"));

        ToolResult got = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("sub"), "local_dest", dest.toString());

        assertThat(got.isError()).as(got.text()).isFalse();
        assertThat(dest.resolve("sub/a.txt")).hasContent("a");
        assertThat(members.sshd.sftpSessions() - before).as("SFTP sessions of the send and the receive").isEqualTo(1);
    }

    @Test
    void aFileReceivedThroughAFolderSwappedMidTransferIsRemovedHere() throws Exception {
        Path folder = Files.createDirectories(work.resolve("rbig"));
        sparse(folder.resolve("a.bin"), BIG);
        Files.writeString(folder.resolve("inner.txt"), "inside");
        Files.writeString(outside.resolve("inner.txt"), "OUTSIDE SECRET");
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        CompletableFuture<Boolean> swapped = swapWhenAPartFileShows(dest.resolve("rbig"), folder);

        ToolResult r = fleet.call("receive_files", "member_name", "m", "remote_paths", List.of("rbig"), "local_dest", dest.toString(),
                "skip_unchanged", "never");

        assertThat(swapped.join()).as("the swap happened during the transfer").isTrue();
        Map<String, Object> inner = byFile(r).get("inner.txt");
        assertThat(inner.get("ok")).as(r.text()).isEqualTo(false);
        assertThat(String.valueOf(inner.get("error"))).contains("was replaced by a link", "its copy here was removed");
        assertThat(dest.resolve("rbig/inner.txt")).doesNotExist();
    }
}
