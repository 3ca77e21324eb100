package dev.fleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.MemberOs;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The look at a transfer's folders once it is done: over the transfer's own session, and over a
 * session of its own only where that one can no longer answer.
 */
class FolderSwapsTest {
    private static final String ROOT = "/home/u/work";
    private final List<String> asked = new ArrayList<>();

    /** A file session that answers {@link FileSession#realPathAfresh} from {@code now}, or fails as the connection would. */
    private FileSession session(String name, Map<String, String> now, boolean lost) {
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "realPathAfresh" -> {
                    asked.add(name + " " + args[0]);
                    if (lost) {
                        throw new ChannelException("the connection to 127.0.0.1 was lost");
                    }
                    return now.get((String) args[0]);
                }
                case "close" -> {
                    asked.add(name + " closed");
                    return null;
                }
                default -> throw new AssertionError("not asked in this test: " + method.getName());
            }
        };
        return (FileSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FileSession.class}, h);
    }

    private MemberChannel channelGiving(FileSession fresh) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("files")) {
                asked.add("a new session");
                return fresh;
            }
            throw new AssertionError("not asked in this test: " + method.getName());
        };
        return (MemberChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MemberChannel.class}, h);
    }

    private static FolderSwaps seenInside() {
        FolderSwaps swaps = new FolderSwaps(ROOT, MemberOs.LINUX);
        swaps.seen(ROOT + "/a", ROOT + "/a");
        swaps.seen(ROOT + "/b", ROOT + "/b");
        return swaps;
    }

    @Test
    void theTransfersOwnSessionLooksAgainAndNoOtherIsOpened() {
        Map<String, String> now = Map.of(ROOT + "/a", "/etc", ROOT + "/b", ROOT + "/b");

        FolderSwaps.Moved moved = seenInside().check(session("own", now, false), channelGiving(session("fresh", now, false)));

        assertThat(moved.of(ROOT + "/a")).contains("/etc");
        assertThat(moved.of(ROOT + "/b")).isEmpty();
        assertThat(asked).containsExactlyInAnyOrder("own " + ROOT + "/a", "own " + ROOT + "/b");
    }

    @Test
    void whenTheOwnSessionCannotAnswerASessionOfItsOwnLooksAndIsClosed() {
        Map<String, String> now = Map.of(ROOT + "/a", ROOT + "/a", ROOT + "/b", "/tmp/elsewhere");

        FolderSwaps.Moved moved = seenInside().check(session("own", now, true), channelGiving(session("fresh", now, false)));

        assertThat(moved.of(ROOT + "/b")).contains("/tmp/elsewhere");
        assertThat(moved.of(ROOT + "/a")).isEmpty();
        assertThat(asked.get(0)).as("the transfer's own session is asked first").startsWith("own ");
        assertThat(asked).contains("a new session", "fresh closed");
    }

    @Test
    void whenNoSessionCanAnswerNothingIsMarkedAndNothingThrows() {
        Map<String, String> now = Map.of();

        FolderSwaps.Moved moved = seenInside().check(session("own", now, true), channelGiving(session("fresh", now, true)));

        assertThat(moved.to()).isEmpty();
        assertThat(asked).contains("fresh closed");
    }

    @Test
    void aTransferThatResolvedNoFolderAsksNothing() {
        FolderSwaps.Moved moved = new FolderSwaps(ROOT, MemberOs.LINUX)
                .check(session("own", Map.of(), false), channelGiving(session("fresh", Map.of(), false)));

        assertThat(moved.to()).isEmpty();
        assertThat(asked).isEmpty();
    }
}
