package dev.fleet.os;

import java.io.File;

/**
 * The POSIX shell fleet starts on this machine: bash where it can run, else sh. Local commands
 * run in it, and a login capture falls back to it when the user's own shell cannot run.
 */
public final class LocalShell {
    /** Looked up once: a system's shells do not come and go while fleet runs, and every local command starts one. */
    private static final String PATH = new File("/bin/bash").canExecute() ? "/bin/bash" : "/bin/sh";

    private LocalShell() {
    }

    public static String path() {
        return PATH;
    }
}
