package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileStat;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;

/**
 * Real paths on a Windows member over SFTP, against an in-memory Windows file side
 * ({@link WindowsSftpFake}): links whose targets are in backslash or any other form are followed
 * and checked like any other, and what cannot be placed is refused with its rule. Not tried on a
 * Windows host.
 */
class WindowsSftpLinksTest {
    private static final MemberOs WIN = MemberOs.WINDOWS;
    private static final String WORK = "C:\\Users\\x\\work";

    private final WindowsSftpFake fs = new WindowsSftpFake().folder("C:\\")
            .folder("C:\\Users").folder("C:\\Users\\x").folder(WORK).folder(WORK + "\\sub").file(WORK + "\\sub\\a.txt")
            .folder("C:\\Users\\x\\WORK-other").file("C:\\Users\\x\\WORK-other\\secret.txt").folder("C:\\other");
    private final SftpClient sftp = fs.client();

    private String real(String path) throws IOException {
        return new ResolvedFolders(WIN).realPath(sftp, path);
    }

    private boolean inside(String path) throws IOException {
        return MemberPaths.isInside(real(WORK), real(path), WIN);
    }

    @Test
    void aPathInsideIsInsideWhateverItsCaseOrForm() throws Exception {
        assertThat(real(WORK)).isEqualTo("/C:/Users/x/work");
        for (String path : List.of(WORK + "\\sub\\a.txt", "c:\\users\\X\\Work\\SUB\\a.txt", "/C:/Users/x/work/sub/new.txt",
                "C:/Users\\x/work\\sub/../sub\\a.txt")) {
            assertThat(inside(path)).as(path).isTrue();
        }
        assertThat(real("c:\\users\\x\\work\\sub\\a.txt")).isEqualTo("/C:/users/x/work/sub/a.txt");
    }

    /** Before, a target in backslash form was taken as one relative name below the link's folder: inside. */
    @Test
    void aLinkInBackslashFormToASiblingInAnotherCaseIsOutside() throws Exception {
        fs.link(WORK + "\\out", "C:\\Users\\x\\WORK-other");
        fs.link(WORK + "\\sub\\named", "C:\\Users\\x\\WORK-other\\secret.txt");
        assertThat(real(WORK + "\\out\\secret.txt")).isEqualTo("/C:/Users/x/WORK-other/secret.txt");
        assertThat(inside(WORK + "\\out\\secret.txt")).isFalse();
        assertThat(inside(WORK + "\\out")).isFalse();
        // The folder resolved once, then each file's own name: a name that is a link still leads where it points.
        assertThat(inside(WORK + "\\sub\\a.txt")).isTrue();
        assertThat(inside(WORK + "\\sub\\named")).isFalse();
    }

    @Test
    void everyFormOfALinksTargetIsFollowedAndChecked() throws Exception {
        fs.link(WORK + "\\sftp-form", "/C:/other");
        fs.link(WORK + "\\verbatim", "\\\\?\\C:\\Users\\x\\WORK-other");
        fs.link(WORK + "\\nt-form", "\\??\\C:\\other");
        fs.link(WORK + "\\up", "..\\WORK-other");
        fs.link(WORK + "\\far-up", "..\\..\\..\\..\\..\\..\\other");
        fs.link(WORK + "\\dotted", "/c:/Users/x/work/../x");
        fs.link(WORK + "\\in-verbatim", "\\\\?\\c:\\USERS\\x\\work\\sub");
        fs.link(WORK + "\\in-relative", "sub\\..\\sub");
        assertThat(real(WORK + "\\sftp-form\\f")).isEqualTo("/C:/other/f");
        assertThat(real(WORK + "\\verbatim\\f")).isEqualTo("/C:/Users/x/WORK-other/f");
        assertThat(real(WORK + "\\nt-form\\f")).isEqualTo("/C:/other/f");
        assertThat(real(WORK + "\\up\\f")).isEqualTo("/C:/Users/x/WORK-other/f");
        assertThat(real(WORK + "\\far-up\\f")).as("'..' at a drive's root stays there").isEqualTo("/C:/other/f");
        assertThat(real(WORK + "\\dotted\\f")).isEqualTo("/C:/Users/x/x/f");
        for (String out : List.of("sftp-form", "verbatim", "nt-form", "up", "far-up", "dotted")) {
            assertThat(inside(WORK + "\\" + out + "\\f")).as(out).isFalse();
        }
        assertThat(real(WORK + "\\in-verbatim\\a.txt")).isEqualTo("/C:/USERS/x/work/sub/a.txt");
        assertThat(inside(WORK + "\\in-verbatim\\a.txt")).isTrue();
        assertThat(inside(WORK + "\\in-relative\\a.txt")).isTrue();
    }

    @Test
    void aTargetThatCannotBePlacedIsRefusedNamingTheRule() {
        fs.link(WORK + "\\unc", "\\\\host\\share\\x");
        fs.link(WORK + "\\unc-verbatim", "\\\\?\\UNC\\host\\share");
        fs.link(WORK + "\\unc-sftp", "//host/share/x");
        fs.link(WORK + "\\device", "\\\\.\\C:\\other");
        fs.link(WORK + "\\volume", "\\\\?\\Volume{8e3b8a3c-0000-0000-0000-100000000000}\\other");
        fs.link(WORK + "\\no-drive", "\\other");
        fs.link(WORK + "\\drive-relative", "C:other");
        fs.link(WORK + "\\trailing-dot", "C:\\Users\\x\\work.\\sub");
        fs.link(WORK + "\\stream", "C:\\Users\\x\\work\\sub\\a.txt:hidden");
        Map<String, String> rules = Map.of("unc", "network share", "unc-verbatim", "network share", "unc-sftp", "network share",
                "device", "device path", "volume", "device or volume", "no-drive", "without a drive letter",
                "drive-relative", "current folder", "trailing-dot", "dot or a space", "stream", "alternate data stream");
        rules.forEach((link, rule) -> assertThatThrownBy(() -> real(WORK + "\\" + link + "\\f")).as(link)
                .isInstanceOf(IOException.class).hasMessageContaining(rule).hasMessageContaining("refused"));
    }

    @Test
    void aNameWindowsDoesNotKeepAsWrittenIsRefused() {
        for (String path : List.of(WORK + ".\\sub\\a.txt", WORK + "\\sub.\\a.txt", WORK + "\\sub\\a.txt.", WORK + "\\sub\\a.txt ",
                WORK + "\\...\\x", WORK + "\\sub\\a.txt:s")) {
            assertThatThrownBy(() -> real(path)).as(path).isInstanceOf(IOException.class).hasMessageContaining("refused");
        }
    }

    @Test
    void linksInALoopFailInsteadOfKeepingTheName() {
        fs.link(WORK + "\\loop-a", "C:\\Users\\x\\work\\loop-b");
        fs.link(WORK + "\\loop-b", "loop-a");
        assertThatThrownBy(() -> real(WORK + "\\loop-a\\x")).isInstanceOf(IOException.class).hasMessageContaining("symbolic links");
    }

    /** Listed files carry the member's separator, so they match their destinations (skip unchanged, left part files). */
    @Test
    void listedFilesAreNamedAsTheirDestinationsAre() throws Exception {
        Map<String, FileStat> listed = SshChannel.statsIn(this::listed, List.of(WORK + "\\sub"), WIN);
        String destination = MemberPaths.join(WORK + "\\sub", List.of("a.txt"), WIN);
        assertThat(listed).containsOnlyKeys(destination);
        Map<String, FileStat> walked = new java.util.TreeMap<>();
        SshChannel.walkStats(this::listed, WORK, walked, 0, WIN);
        assertThat(walked).containsKey(MemberPaths.join(WORK, List.of("sub", "a.txt"), WIN));
    }

    private List<SftpClient.DirEntry> listed(String folder) throws IOException {
        List<SftpClient.DirEntry> entries = new java.util.ArrayList<>();
        sftp.readDir(folder).forEach(entries::add);
        return entries;
    }
}
