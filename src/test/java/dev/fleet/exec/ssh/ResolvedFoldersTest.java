package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a transfer's session keeps of a folder's look ({@link ResolvedFolders}): a folder whose
 * every part exists and is no link is asked about once a session (each question is a round trip
 * to a member far away), and so is whether it is a folder; a file's own name, and a name that is
 * a link, are asked every time, and a file is never taken for a folder.
 */
class ResolvedFoldersTest {
    @TempDir
    Path tmp;

    /** Every lstat, stat and readlink {@code sftp} is asked, by path, before it answers. */
    private static SftpClient counting(SftpClient sftp, List<String> asked) {
        return (SftpClient) Proxy.newProxyInstance(SftpClient.class.getClassLoader(), new Class<?>[] {SftpClient.class},
                (proxy, method, args) -> {
                    if (List.of("lstat", "stat", "readLink").contains(method.getName()) && args[0] instanceof String p) {
                        asked.add(method.getName() + " " + p);
                    }
                    try {
                        return method.invoke(sftp, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aFolderIsAskedAboutOnceASessionAndAFileOrALinkEveryTime() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             SftpClient plain = SftpClientFactory.instance().createSftpClient(lease.session())) {
            Path sub = Files.createDirectories(ssh.work.resolve("sub"));
            Path file = Files.writeString(ssh.work.resolve("file.txt"), "f");
            Files.createSymbolicLink(ssh.work.resolve("lnk"), Path.of("sub"));
            List<String> asked = new ArrayList<>();
            SftpClient sftp = counting(plain, asked);
            ResolvedFolders folders = new ResolvedFolders(MemberOs.LINUX);

            assertThat(folders.realPath(sftp, sub.toString())).isEqualTo(sub.toString());
            assertThat(asked).isNotEmpty();
            assertThat(folders.seenAsFolder(sub.toString())).isTrue();
            asked.clear();
            assertThat(folders.realPath(sftp, sub.toString())).isEqualTo(sub.toString());
            assertThat(folders.folderResolved(sftp, sub + "/new.txt")).isEqualTo(sub + "/new.txt");
            assertThat(asked).as("a folder already resolved this session").isEmpty();

            assertThat(folders.realPath(sftp, file.toString())).isEqualTo(file.toString());
            assertThat(folders.seenAsFolder(file.toString())).isFalse();
            asked.clear();
            folders.realPath(sftp, file.toString());
            assertThat(asked).as("a file's own name, every time").containsExactly("lstat " + file);

            assertThat(folders.realPath(sftp, ssh.work + "/lnk")).isEqualTo(sub.toString());
            assertThat(folders.seenAsFolder(ssh.work + "/lnk")).isFalse();
            asked.clear();
            folders.realPath(sftp, ssh.work + "/lnk");
            assertThat(asked).as("a name that is a link, every time").contains("lstat " + ssh.work + "/lnk");
        }
    }

    @Test
    void aFileWhereAFolderShouldBeStillFailsTheCopyIntoItAndIsLeftAsItWas() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path notAFolder = Files.writeString(ssh.work.resolve("plain"), "keep");
            Path source = Files.writeString(tmp.resolve("f.txt"), "new");
            try (FileSession files = ssh.channel.files()) {
                // The folder's look finds a file: it must not be taken for a folder that exists.
                assertThat(files.realPath(ssh.work + "/plain")).isEqualTo(notAFolder.toString());
                assertThatThrownBy(() -> files.upload(source, ssh.work + "/plain/f.txt", 1_700_000_000L, real -> null, n -> { }))
                        .isInstanceOf(IOException.class);
            }
            assertThat(Files.readString(notAFolder)).isEqualTo("keep");
        }
    }
}
