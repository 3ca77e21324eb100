package dev.fleet.exec;

import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether a member is this machine's own user account: a local member always is; an SSH member is
 * when it is reached at a loopback address and its home is this machine's home. Fleet never copies
 * this machine's login onto such a member, nor takes it back (which would delete the user's own).
 */
public final class ThisAccount {
    private static final Duration LOOK = Duration.ofSeconds(15);

    private ThisAccount() {
    }

    /** localhost, 127.0.0.0/8 or ::1: this machine. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * @param home this machine's home, as the settings read it
     * @throws ChannelException when the member's home could not be read (the caller then keeps
     *                          its hands off, as it would for this account)
     */
    public static boolean is(Member m, MemberChannel channel, Path home) throws ChannelException {
        if (m.isLocal()) {
            return true;
        }
        if (!isLoopback(m.host())) {
            return false;
        }
        CommandResult r = channel.exec(CommandRequest.probe(channel.os().os() == MemberOs.WINDOWS
                ? "[Console]::Out.Write($env:USERPROFILE)" : "printf '%s' \"$HOME\"", LOOK));
        if (!r.succeeded() || r.stdout().isBlank()) {
            throw new ChannelException("could not read the home folder of " + m.friendlyName());
        }
        try {
            return sameFolder(Path.of(r.stdout().strip()), home);
        } catch (java.nio.file.InvalidPathException e) {
            return false; // no path this machine could have as its home
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
