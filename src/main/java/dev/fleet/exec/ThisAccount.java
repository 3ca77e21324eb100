package dev.fleet.exec;

import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a member's home is this machine's home: a local member's always is; an SSH member's is
 * when it is this machine's own account (by any address or name) or another machine sharing the
 * same home (NFS). Fleet never copies this machine's login onto such a member, nor takes it back
 * (which would delete the user's own).
 *
 * <p>The test is a file, not an address: a file with a random name is made in this machine's
 * home for the length of one look, and the member says whether its home holds it. An address
 * cannot tell this machine's LAN name or a shared home from another machine.
 */
public final class ThisAccount {
    private static final Logger log = LoggerFactory.getLogger(ThisAccount.class);
    private static final Duration LOOK = Duration.ofSeconds(15);
    private static final String MARKER_PREFIX = ".fleet-same-home-";
    /** Marks the member's answer lines: whatever else its shell prints on start is ignored. */
    private static final String HOME = "@@home ";
    private static final String SEEN = "@@marker ";
    private static final Pattern SHORT_127 = Pattern.compile("127(\\.\\d{1,8}){1,2}");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private ThisAccount() {
    }

    /**
     * localhost, or an address literal of this machine (127.0.0.0/8, also written short as 127.1,
     * 0.0.0.0, ::1, ::, an IPv4-mapped 127 address). Names other than localhost are not resolved:
     * this is for checks that must not wait on DNS.
     */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        Matcher v4 = DOTTED_QUAD.matcher(h);
        if (v4.matches()) {
            return v4.group(1).equals("127") || h.equals("0.0.0.0");
        }
        if (SHORT_127.matcher(h).matches()) {
            return true; // 127.1, 127.0.1: the short forms inet_aton (and so ssh) reads as 127.0.0.1
        }
        if (!h.contains(":")) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName("[" + h + "]"); // bracketed: parsed as IPv6, never looked up
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false; // not an address literal
        }
    }

    /**
     * @param home this machine's home, as the settings read it
     * @throws ChannelException when the member could not answer (the caller then keeps its hands
     *                          off, as it would for this account)
     */
    public static boolean is(Member m, MemberChannel channel, Path home) throws ChannelException {
        if (m.isLocal()) {
            return true;
        }
        Optional<Path> marker = makeMarker(home);
        try {
            String name = marker.map(p -> p.getFileName().toString()).orElse(MARKER_PREFIX + "none");
            boolean windows = channel.os().os() == MemberOs.WINDOWS;
            // Marked lines: whatever else the member's shell prints on start is ignored.
            CommandResult r = channel.exec(CommandRequest.look(windows
                    ? "[Console]::Out.Write(\"`n" + HOME + "\" + $env:USERPROFILE + \"`n" + SEEN + "\" + (Test-Path -LiteralPath "
                    + "(Join-Path $env:USERPROFILE '" + name + "')) + \"`n\")"
                    : "printf '\\n" + HOME + "%s\\n' \"$HOME\"; if [ -e \"$HOME/" + name + "\" ]; then echo " + SEEN + "True; "
                    + "else echo " + SEEN + "False; fi", LOOK));
            String memberHome = marked(r, HOME);
            String seen = marked(r, SEEN);
            if (!r.succeeded() || memberHome == null || !List.of("True", "False").contains(seen)) {
                throw new ChannelException("could not look at the home folder of " + m.friendlyName());
            }
            if (marker.isPresent()) {
                return seen.equals("True");
            }
            // No marker could be made here (a read-only home): the best left is the path itself.
            return isLoopback(m.host()) && sameFolder(memberHome, home);
        } finally {
            marker.ifPresent(ThisAccount::remove);
        }
    }

    /** The last line the member printed with {@code mark}, without it; null when none. */
    private static String marked(CommandResult r, String mark) {
        String found = null;
        for (String line : r.stdout().split("\\R")) {
            if (line.startsWith(mark)) {
                found = line.substring(mark.length()).strip();
            }
        }
        return found;
    }

    /** The marker file, or empty when this home takes no new file (read-only): the caller then falls back to the path. */
    private static Optional<Path> makeMarker(Path home) {
        Path p = home.resolve(MARKER_PREFIX + UUID.randomUUID());
        try {
            return Optional.of(SecureFiles.createPrivateNew(p));
        } catch (IOException e) {
            log.warn("could not make a marker file in {} ({}); telling this machine's own account by address and path only",
                    home, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static void remove(Path marker) {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            log.warn("could not remove {} ({}): an empty file fleet made, which nothing reads; it may be deleted",
                    marker, e.getClass().getSimpleName());
        }
    }

    private static boolean sameFolder(String memberHome, Path home) {
        try {
            Path a = Path.of(memberHome);
            try {
                return Files.isSameFile(a, home);
            } catch (IOException e) {
                return a.toAbsolutePath().normalize().equals(home.toAbsolutePath().normalize());
            }
        } catch (InvalidPathException e) {
            return false; // no path this machine could have as its home
        }
    }
}
