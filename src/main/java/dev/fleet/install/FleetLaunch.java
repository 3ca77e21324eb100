package dev.fleet.install;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to start this fleet from outside: the launcher script it was started through (bin/fleet of
 * the release, ./fleet of a clone), else {@code java -jar} on its own jar. Claude Code's server
 * registration, status line and hook all run fleet this way.
 */
public record FleetLaunch(List<String> command) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    public FleetLaunch {
        command = List.copyOf(command);
    }

    /** The launch of the running process; {@code fleet.launcher} is set by both launcher scripts. */
    public static FleetLaunch current() {
        String launcher = System.getProperty("fleet.launcher");
        if (launcher != null && new File(launcher).canExecute()) {
            return new FleetLaunch(List.of(Path.of(launcher).toAbsolutePath().normalize().toString()));
        }
        String jar = Path.of(FleetLaunch.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new FleetLaunch(List.of(java, "-jar", jar));
    }

    /** The argument vector for a fleet subcommand, e.g. {@code argv("serve")}. */
    public List<String> argv(String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return all;
    }

    /** The same as one shell command line (Claude Code runs hooks and the status line through a shell). */
    public String shellCommand(String... args) {
        List<String> words = new ArrayList<>();
        for (String w : argv(args)) {
            words.add(PLAIN.matcher(w).matches() ? w : quote(w));
        }
        return String.join(" ", words);
    }

    private static String quote(String word) {
        if (File.separatorChar == '\\') {
            return "\"" + word.replace("\"", "\\\"") + "\"";
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
