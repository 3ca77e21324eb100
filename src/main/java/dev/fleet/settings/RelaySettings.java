package dev.fleet.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code fleet serve} reads from its environment before it knows whether it relays to the
 * daemon or serves in this process. The relay must answer in a fraction of the server's start-up
 * time and leaves every other setting to the daemon (which parses them all, and reports their
 * problems, in {@link Settings}), so this reads these few only, by the same rules.
 *
 * @param environment    the relay's environment, handed on to a daemon it starts
 * @param dataDir        the data dir, as {@link Settings#dataDir()}: one daemon per data dir
 * @param standalone     {@code FLEET_STANDALONE=1}: the whole fleet runs in this process; {@code 0} or unset: relay
 *                       (read by the same rule as {@link Settings#standalone()})
 * @param daemonStarting {@code FLEET_DAEMON_STARTING=1}, set by the {@code fleet} launcher (not by users) when it
 *                       started a daemon alongside this process: the relay waits for that one instead of starting another
 * @param recording      {@code FLEET_RELAY_RECORDING=1}, set by the launcher (not by users) for the short relay whose
 *                       classes it records into the relay's class-data archive: it uses a running daemon only, and
 *                       never starts one
 * @param problems       malformed values, each naming its variable and what is done instead
 */
public record RelaySettings(Map<String, String> environment, Path dataDir, boolean standalone, boolean daemonStarting,
                            boolean recording, List<String> problems) {
    public static final String DAEMON_STARTING = "FLEET_DAEMON_STARTING";
    public static final String RECORDING = "FLEET_RELAY_RECORDING";

    public RelaySettings {
        environment = Map.copyOf(environment);
        problems = List.copyOf(problems);
    }

    public static RelaySettings from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        return new RelaySettings(env, Settings.dataDirOf(env), Settings.standaloneOf(env, problems),
                "1".equals(env.get(DAEMON_STARTING)), "1".equals(env.get(RECORDING)), problems);
    }

    /** Never shows the environment: it may hold credentials. */
    @Override
    public String toString() {
        return "RelaySettings[dataDir=" + dataDir + ", standalone=" + standalone + ", daemonStarting=" + daemonStarting
                + ", recording=" + recording + ", problems=" + problems + "]";
    }
}
