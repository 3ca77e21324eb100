package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fleet and one member named {@code m} of either kind, for the transfer tests that hold both to
 * one rule: a local member (a folder here) or a remote one over SFTP, through the in-process SSH
 * server, whose work folder is on this machine too, so a test can plant what a member holds.
 */
final class TransferMembers implements AutoCloseable {
    final FleetHarness fleet;
    final TestSshServer sshd;
    private final Path tmp;

    TransferMembers(Path tmp) throws Exception {
        this.tmp = tmp;
        this.fleet = new FleetHarness(tmp.resolve("pm"));
        this.sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), tmp.resolve("member-home")).start();
    }

    /**
     * Registers member {@code m} of {@code kind} ("local" or "remote") with a work folder named
     * {@code folder} (under the member's home for a remote one); returns that folder.
     */
    Path member(String kind, String folder) throws Exception {
        if (kind.equals("local")) {
            Path work = Files.createDirectories(tmp.resolve("local-" + folder));
            fleet.registerLocal("m", work);
            return work;
        }
        Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
        TestKeys.authorize(tmp.resolve("member-home"), key);
        Path work = Files.createDirectories(tmp.resolve("member-home").resolve(folder));
        ToolResult r = fleet.call("register_member", "friendly_name", "m", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                "work_folder", work.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        return work;
    }

    /** Every regular file below {@code root}, relative, in order. */
    static List<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** A transfer's per-file results as its structured answer has them. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(ToolResult r) {
        return (List<Map<String, Object>>) ((Map<String, Object>) r.structured()).get("files");
    }

    @Override
    public void close() throws Exception {
        fleet.close();
        sshd.close();
    }
}
