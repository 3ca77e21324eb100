package dev.fleet.daemon;

import dev.fleet.security.SecureFiles;
import dev.fleet.settings.Settings;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@code fleet daemon} in the background, detached from the relay that asked for it. */
public final class DaemonStarter {
    /** Tells the launcher script that the relay already checked the build. */
    static final String SKIP_BUILD_CHECK = "FLEET_SKIP_BUILD_CHECK";
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

    private DaemonStarter() {
    }

    /**
     * Starts a daemon for {@code paths} with this process's environment; its output goes to the
     * daemon log. Two relays may both start one: the second finds the first holding the lock and exits.
     */
    public static Process start(DaemonPaths paths, Map<String, String> env, List<String> options) throws IOException {
        SecureFiles.createTrustedDirectories(paths.dataDir());
        Path log = paths.log();
        // The log is fleet's own: a link in its place (fleet makes none) is removed, so neither the
        // size check nor the daemon's output goes through it to another file.
        SecureFiles.removeLink(log);
        if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, paths.dataDir().resolve("daemon.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            SecureFiles.createPrivateNew(log);
        } catch (FileAlreadyExistsException kept) {
            // the log so far, appended to
        }
        List<String> cmd = new ArrayList<>();
        String setsid = onPath(env, "setsid");
        if (setsid != null) {
            // Its own session: closing the editor's terminal or process group does not end the daemon.
            cmd.add(setsid);
        }
        cmd.addAll(command());
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put(Settings.DATA_DIR, paths.dataDir().toString());
        pb.environment().put(SKIP_BUILD_CHECK, "1");
        pb.directory(paths.dataDir().toFile());
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File(windows ? "NUL" : "/dev/null")));
        // The JDK opens the log by name and follows a link: one put in its place within the
        // moment since the checks above (by someone who can write the data dir) is not caught.
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** {@code fleet daemon} through the launcher script when fleet runs from it, else java on this classpath. */
    static List<String> command() {
        String launcher = System.getProperty("fleet.launcher");
        if (launcher != null && new File(launcher).canExecute()) {
            return List.of(Path.of(launcher).toAbsolutePath().normalize().toString(), "daemon");
        }
        // The relay's own jar holds no server: the daemon runs from fleet.jar beside it.
        File server = CodeLocation.serverJar();
        List<String> classpath = new ArrayList<>();
        if (server != null) {
            classpath.add(server.getAbsolutePath());
        } else {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classpath.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:+UseSerialGC", "-Xshare:auto", "-cp", String.join(File.pathSeparator, classpath),
                "dev.fleet.cli.Main", "daemon");
    }

    /** The executable {@code name} on {@code env}'s PATH, or null. */
    public static String onPath(Map<String, String> env, String name) {
        String path = env.get("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
