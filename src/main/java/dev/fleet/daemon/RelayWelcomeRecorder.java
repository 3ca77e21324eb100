package dev.fleet.daemon;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Records the daemon's answers to the client's {@code initialize} and first {@code tools/list}
 * for the next relay that must wait for a daemon to start. When the record already holds these
 * answers (the usual case) it costs a byte comparison, after the client has its answer.
 */
final class RelayWelcomeRecorder {
    private final DaemonPaths paths;
    private final String build;
    private final boolean enabled;
    private final PrintStream log;
    private String initializeId;
    private String protocolVersion;
    private String toolsId;
    private byte[] initializeResult;
    private byte[] toolsResult;
    private boolean done;
    /** The record there is, read once (null when none, or another build's or version's). */
    private RelayWelcome existing;
    private boolean existingRead;

    /** @param enabled false for a relay that is no client's (the launcher's class-data recording) */
    RelayWelcomeRecorder(DaemonPaths paths, String build, boolean enabled, PrintStream log) {
        this.paths = paths;
        this.build = build;
        this.enabled = enabled;
        this.log = log;
    }

    synchronized void initialize(String id, String protocolVersion) {
        if (!done && initializeId == null) {
            initializeId = id;
            this.protocolVersion = protocolVersion;
            done = !enabled || !RelayWelcome.recordable(build, protocolVersion);
        }
    }

    synchronized boolean wantsTools() {
        return !done && initializeId != null && toolsId == null;
    }

    synchronized void toolsList(String id) {
        toolsId = id;
    }

    void answered(String id, byte[] line) {
        RelayWelcome made;
        synchronized (this) {
            if (done || id == null) {
                return;
            }
            if (id.equals(initializeId) && initializeResult == null) {
                initializeResult = result(line, existing() == null ? null : existing.initialize());
                done = initializeResult == null;
            } else if (id.equals(toolsId) && toolsResult == null) {
                toolsResult = result(line, existing() == null ? null : existing.tools());
                done = toolsResult == null;
            }
            if (done || initializeResult == null || toolsResult == null) {
                return;
            }
            done = true;
            made = new RelayWelcome(build, protocolVersion, initializeResult, toolsResult);
            if (made.sameAs(existing)) {
                return;
            }
        }
        try {
            made.write(paths);
        } catch (IOException e) {
            log.println("fleet: could not record the daemon's first answers in " + paths.welcome(protocolVersion) + ": "
                    + e.getMessage());
        }
    }

    private RelayWelcome existing() {
        if (!existingRead) {
            existingRead = true;
            existing = RelayWelcome.read(paths, build, protocolVersion);
        }
        return existing;
    }

    /** The answer's result: the recorded bytes when the answer ends with them (no parsing), else parsed out. */
    private static byte[] result(byte[] line, byte[] recorded) {
        return recorded != null && RelayWelcome.endsWithResult(line, recorded) ? recorded : RelayWelcome.resultOf(line);
    }
}
