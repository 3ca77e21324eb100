package dev.fleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.MemberOs;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transfer boundary on a Windows member, over paths as such a member gives them back (real
 * paths in the SFTP form {@code /C:/…}, the work folder as registered in {@code C:\…}). No Windows
 * host is involved: the member's answers are made up here.
 */
class TransferWindowsPathsTest {
    private static final MemberOs WIN = MemberOs.WINDOWS;
    private static final String REAL_ROOT = "/C:/Users/x/work";

    @Test
    void aRealPathIsJudgedByWindowsRulesAndARefusalNamesTheRule() {
        assertThat(FileTransfers.outside(REAL_ROOT, "/c:/users/X/WORK/sub/a.txt", WIN, "outside")).isNull();
        assertThat(FileTransfers.outside("C:\\Users\\x\\work", "/C:/Users/x/work/a.txt", WIN, "outside")).isNull();
        assertThat(FileTransfers.outside(REAL_ROOT, "/C:/Users/x/WORK-other/a.txt", WIN, "outside")).isEqualTo("outside");
        assertThat(FileTransfers.outside(REAL_ROOT, "\\\\host\\share\\Users\\x\\work\\a.txt", WIN, "outside")).isEqualTo("outside");
        assertThat(FileTransfers.outside(REAL_ROOT, "/C:/Users/x/work/../x", WIN, "outside")).contains("'..'");
        assertThat(FileTransfers.outside(REAL_ROOT, "/C:/Users/x/work/a.txt.", WIN, "outside")).contains("dot or a space");
        assertThat(FileTransfers.outside("/w", "/w/a.txt.", MemberOs.LINUX, "outside")).isNull();
    }

    @Test
    void aRemoteSubfolderOrNameWindowsWouldRewriteIsRefusedSayingWhy() {
        assertThat(MemberPaths.resolveInside("C:\\w", "out.", WIN)).isNull();
        assertThat(MemberPaths.nameRule("out.", WIN)).contains("dot or a space");
        assertThat(MemberPaths.resolveInside("/w", "out.", MemberOs.LINUX)).isEqualTo("/w/out.");
    }

    /**
     * A folder that now leads to a sibling in another case, or through '..', is caught; one that
     * only reads back in another case or form is not taken for swapped.
     */
    @Test
    void aFolderSwappedOnAWindowsMemberIsCaughtWhateverTheCaseOrForm() {
        Map<String, String> now = new HashMap<>();
        FolderSwaps swaps = new FolderSwaps(REAL_ROOT, WIN);
        String sub = "C:\\Users\\x\\work\\sub";
        String same = "C:\\Users\\x\\work\\same";
        String dotted = "C:\\Users\\x\\work\\dotted";
        assertThat(swaps.folderOf(sub + "\\a.txt")).isEqualTo(sub);
        assertThat(swaps.folderOf("/C:/Users/x/work/sub\\a.txt")).isEqualTo("/C:/Users/x/work/sub");
        swaps.seen(sub, "/C:/Users/x/work/sub");
        swaps.seen(same, "/C:/Users/x/work/same");
        swaps.seen(dotted, "/C:/Users/x/work/dotted");
        now.put(sub, "/C:/Users/x/WORK-other");
        now.put(same, "c:\\users\\x\\WORK\\same");
        now.put(dotted, "/C:/Users/x/work/../secrets");
        FolderSwaps.Moved moved = swaps.check(session(now), noOtherSession());
        assertThat(moved.of(sub)).contains("/C:/Users/x/WORK-other");
        assertThat(moved.of(same)).isEmpty();
        assertThat(moved.of(dotted)).isPresent();
    }

    /** A transfer's file session that answers only realPathAfresh, from {@code real}. */
    private static FileSession session(Map<String, String> real) {
        return (FileSession) Proxy.newProxyInstance(FileSession.class.getClassLoader(), new Class<?>[] {FileSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "realPathAfresh" -> real.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A member none of whose calls this test expects: the transfer's own session answers. */
    private static MemberChannel noOtherSession() {
        return (MemberChannel) Proxy.newProxyInstance(MemberChannel.class.getClassLoader(), new Class<?>[] {MemberChannel.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
