package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.Optional;

/** Telling a member's OS from one command that every OS answers in its own way. */
public final class OsDetection {
    /**
     * POSIX shells run uname; cmd.exe (OpenSSH's default shell on Windows) fails on it and runs
     * {@code ver}, which prints "Microsoft Windows".
     */
    public static final String COMMAND = "uname -s || ver";

    private OsDetection() {
    }

    public static Optional<MemberOs> parse(String output) {
        String o = output.strip().toLowerCase(java.util.Locale.ROOT);
        if (o.startsWith("linux")) {
            return Optional.of(MemberOs.LINUX);
        }
        if (o.startsWith("darwin")) {
            return Optional.of(MemberOs.MACOS);
        }
        if (o.contains("windows") || o.startsWith("mingw") || o.startsWith("msys") || o.startsWith("cygwin")) {
            return Optional.of(MemberOs.WINDOWS);
        }
        return Optional.empty();
    }
}
