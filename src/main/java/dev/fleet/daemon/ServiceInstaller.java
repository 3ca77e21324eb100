package dev.fleet.daemon;

import dev.fleet.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fleet daemon install|uninstall}: a systemd user unit (Linux) or a launchd agent (macOS)
 * that runs the daemon at login, so it and its idle watcher do not depend on any editor.
 */
public final class ServiceInstaller {
    static final String NAME = "apra-fleet";
    static final String LAUNCHD_LABEL = "dev.fleet.apra-fleet";

    public enum Platform {
        SYSTEMD, LAUNCHD;

        /** The service manager of this OS, or null where fleet has none to offer. */
        public static Platform current() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (os.contains("mac")) {
                return LAUNCHD;
            }
            return os.contains("linux") ? SYSTEMD : null;
        }
    }

    /** Runs a service-manager command; the exit code comes back. */
    public interface Runner {
        int run(List<String> command) throws IOException, InterruptedException;
    }

    private final Platform platform;
    private final Path home;
    private final Path dataDir;
    private final Map<String, String> env;
    private final List<String> daemonCommand;
    private final Runner runner;
    private final PrintStream out;

    /** @param daemonCommand how to start {@code fleet daemon}, without options */
    public ServiceInstaller(Platform platform, Settings settings, List<String> daemonCommand, Runner runner, PrintStream out) {
        this.platform = platform;
        this.home = settings.home();
        this.dataDir = settings.dataDir();
        this.env = settings.environment();
        this.daemonCommand = daemonCommand;
        this.runner = runner;
        this.out = out;
    }

    /** {@code fleet daemon} as this installation starts it (the launcher script when fleet runs from it). */
    public static List<String> defaultDaemonCommand() {
        return DaemonStarter.command();
    }

    /**
     * What is wrong with the installed service file, if one is installed and was written by a
     * fleet before {@link Daemon#SERVICE_FLAG}: its daemon, started while a relay's daemon serves,
     * fails, and the service manager starts it again every few seconds for as long as that one
     * runs. Null when none is installed, or it is current.
     */
    public String outdated() {
        Path f = file();
        try {
            if (!Files.isRegularFile(f) || Files.readString(f).contains(Daemon.SERVICE_FLAG)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return "the service file " + f + " was written by an older fleet: while a daemon started by a client runs, the "
                + "service manager starts the service's again every few seconds";
    }

    public Path file() {
        if (platform == Platform.LAUNCHD) {
            return home.resolve("Library/LaunchAgents/" + LAUNCHD_LABEL + ".plist");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
        return config.resolve("systemd/user/" + NAME + ".service");
    }

    /** The service file's text for a daemon with these options. */
    public String content(DaemonOptions options) {
        List<String> command = new ArrayList<>(daemonCommand);
        command.add(Daemon.SERVICE_FLAG);
        command.addAll(options.toArgs());
        return platform == Platform.LAUNCHD ? launchdPlist(command) : systemdUnit(command);
    }

    /** Writes the service file and, when {@code start}, enables and starts it; returns an exit code. */
    public int install(DaemonOptions options, boolean start) throws IOException, InterruptedException {
        Path file = file();
        Files.createDirectories(file.getParent());
        // Through a new file and a rename: a link planted at the unit's name is replaced, never
        // written through (truncating whatever it leads to), and a full disk leaves the old unit whole.
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".fleet-tmp");
        try {
            Files.writeString(tmp, content(options));
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.println("Wrote " + file);
        if (!start) {
            out.println("Start it with: " + String.join(" ", startCommands(file).get(startCommands(file).size() - 1)));
            return 0;
        }
        return runAll(startCommands(file));
    }

    /** Stops and disables the service (when asked) and removes its file; returns an exit code. */
    public int uninstall(boolean stop) throws IOException, InterruptedException {
        Path file = file();
        if (!Files.exists(file)) {
            out.println("No fleet service is installed (" + file + " does not exist).");
            return 0;
        }
        int code = stop ? runAll(stopCommands(file)) : 0;
        Files.delete(file);
        out.println("Removed " + file);
        if (stop && platform == Platform.SYSTEMD) {
            runner.run(List.of("systemctl", "--user", "daemon-reload"));
        }
        return code;
    }

    List<List<String>> startCommands(Path file) {
        if (platform == Platform.LAUNCHD) {
            return List.of(List.of("launchctl", "load", "-w", file.toString()));
        }
        return List.of(List.of("systemctl", "--user", "daemon-reload"),
                List.of("systemctl", "--user", "enable", "--now", NAME + ".service"));
    }

    List<List<String>> stopCommands(Path file) {
        if (platform == Platform.LAUNCHD) {
            return List.of(List.of("launchctl", "unload", "-w", file.toString()));
        }
        return List.of(List.of("systemctl", "--user", "disable", "--now", NAME + ".service"));
    }

    private int runAll(List<List<String>> commands) throws IOException, InterruptedException {
        for (List<String> c : commands) {
            out.println("Running: " + String.join(" ", c));
            int code = runner.run(c);
            if (code != 0) {
                out.println(c.get(0) + " failed (exit " + code + ")");
                return code;
            }
        }
        return 0;
    }

    private String systemdUnit(List<String> command) {
        StringBuilder unit = new StringBuilder();
        unit.append("[Unit]\n")
                .append("Description=Fleet daemon: the apra-fleet MCP server shared by every MCP client of this user\n\n")
                .append("[Service]\n")
                .append("Type=simple\n")
                .append("ExecStart=").append(String.join(" ", command.stream().map(ServiceInstaller::systemdQuote).toList())).append('\n');
        for (Map.Entry<String, String> e : serviceEnvironment().entrySet()) {
            unit.append("Environment=").append(systemdQuote(e.getKey() + "=" + e.getValue())).append('\n');
        }
        unit.append("Restart=on-failure\n")
                .append("RestartSec=5\n\n")
                .append("[Install]\n")
                .append("WantedBy=default.target\n");
        return unit.toString();
    }

    private String launchdPlist(List<String> command) {
        StringBuilder p = new StringBuilder();
        p.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
                .append("<plist version=\"1.0\">\n<dict>\n")
                .append("  <key>Label</key>\n  <string>").append(LAUNCHD_LABEL).append("</string>\n")
                .append("  <key>ProgramArguments</key>\n  <array>\n");
        for (String arg : command) {
            p.append("    <string>").append(xml(arg)).append("</string>\n");
        }
        p.append("  </array>\n  <key>EnvironmentVariables</key>\n  <dict>\n");
        for (Map.Entry<String, String> e : serviceEnvironment().entrySet()) {
            p.append("    <key>").append(xml(e.getKey())).append("</key>\n    <string>").append(xml(e.getValue())).append("</string>\n");
        }
        Path log = new DaemonPaths(dataDir).log();
        p.append("  </dict>\n")
                .append("  <key>RunAtLoad</key>\n  <true/>\n")
                .append("  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n")
                .append("  <key>StandardErrorPath</key>\n  <string>").append(xml(log.toString())).append("</string>\n")
                .append("</dict>\n</plist>\n");
        return p.toString();
    }

    /** What the service needs from this environment: where the data lives, and a PATH to find agents and ssh. */
    private Map<String, String> serviceEnvironment() {
        Map<String, String> e = new java.util.LinkedHashMap<>();
        e.put(Settings.DATA_DIR, dataDir.toString());
        if (env.get("PATH") != null) {
            e.put("PATH", env.get("PATH"));
        }
        return e;
    }

    /** One systemd word: quoted, with backslash, quote, dollar and percent escaped. */
    static String systemdQuote(String word) {
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$").replace("%", "%%") + "\"";
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
