package dev.fleet.testing;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.ConnectionCheck;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The remote side of {@code Channels} for tests of how an unexpected failure is reported: every
 * remote member answers its connection test (unless told otherwise), and every command sent to it
 * fails with what {@code failure} gives: an unchecked exception or an error no channel error covers.
 */
public final class FailingRemoteMembers extends NoRemoteMembers {
    private final Supplier<? extends Throwable> failure;
    private boolean connectionTestFails;

    public FailingRemoteMembers(Supplier<? extends Throwable> failure) {
        this.failure = failure;
    }

    /** The connection test fails the same way, instead of answering. */
    public FailingRemoteMembers inConnectionTestToo() {
        connectionTestFails = true;
        return this;
    }

    private RuntimeException thrown() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            return r;
        }
        throw (Error) t;
    }

    @Override
    public MemberChannel open(Member member, OsCommands os) {
        return new FailingChannel(os);
    }

    private final class FailingChannel implements MemberChannel {
        private final OsCommands os;

        FailingChannel(OsCommands os) {
            this.os = os;
        }

        @Override
        public OsCommands os() {
            return os;
        }

        @Override
        public CommandResult exec(CommandRequest request) {
            throw thrown();
        }

        @Override
        public ConnectionCheck test() {
            if (connectionTestFails) {
                throw thrown();
            }
            return new ConnectionCheck.Reachable(Duration.ofMillis(1));
        }

        @Override
        public Optional<MemberOs> detectOs() {
            return Optional.of(MemberOs.LINUX);
        }

        @Override
        public FileSession files() throws ChannelException {
            throw new ChannelException("no files are moved in this test");
        }

        @Override
        public void close() {
        }
    }
}
