package dev.fleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A member's {@code who}, first on the PATH fleet gives its looks ({@code ~/.local/bin}): it prints
 * {@code ~/.fake-who}, so that the login sessions of the machine running the tests (a developer's
 * own terminals) never count as someone working on a test member.
 */
public final class TestLogins {
    private TestLogins() {
    }

    public static void install(Path memberHome) throws IOException {
        Path who = Files.createDirectories(memberHome.resolve(".local/bin")).resolve("who");
        Files.writeString(who, "#!/bin/sh\ncat \"$HOME/.fake-who\" 2>/dev/null; exit 0\n");
        Files.setPosixFilePermissions(who, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The member shows these login lines (as {@code who} prints them); empty: none. */
    public static void show(Path memberHome, String lines) throws IOException {
        Files.writeString(memberHome.resolve(".fake-who"), lines);
    }
}
