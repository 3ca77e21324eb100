package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * How fleet reaches one member: run commands, move files, test the connection. Services talk to
 * this, never to processes or SSH directly; local and remote differences live in the implementations.
 * The channel knows the member's OS: shell text for it comes from {@link #os()}.
 */
public interface MemberChannel extends AutoCloseable {

    /** The shell text of the member's OS, for the commands sent over this channel. */
    OsCommands os();

    CommandResult exec(CommandRequest request) throws ChannelException;

    ConnectionCheck test();

    /** The member's OS, asked of the member itself; empty when it cannot be told. */
    Optional<MemberOs> detectOs() throws ChannelException;

    /** The member's files for a batch of operations (one SFTP session over SSH); close it when done. */
    FileSession files() throws ChannelException;

    /**
     * Ends the file session an earlier batch left open for the next one, if there is one, and
     * waits (a few seconds at most) until the member has ended it: a look at the member's file
     * transfers must not count fleet's own idle session as one.
     */
    default void endKeptFileSession() {
    }

    /** One download in a session of its own; batches use {@link #files()}. */
    default void download(String memberPath, Path localFile, LongConsumer progress) throws IOException, ChannelException {
        try (FileSession f = files()) {
            f.download(memberPath, localFile, progress);
        }
    }

    /** See {@link FileSession#realPath}. */
    default String realPath(String memberPath) throws IOException, ChannelException {
        try (FileSession f = files()) {
            return f.realPath(memberPath);
        }
    }

    /**
     * The environment commands run with when the member is this machine (its files can then be
     * looked at directly); empty for a remote member.
     */
    default Optional<java.util.Map<String, String>> localEnvironment() {
        return Optional.empty();
    }

    @Override
    void close();
}
