package dev.fleet.base;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a start's class-data archive matched to the Java runtime and the fleet jar that use it.
 *
 * <p>The launchers give each kind of start (relay, daemon, server, command line) a class-data
 * archive and name it to the JVM in {@value #ARCHIVE}. An archive only works with the runtime and
 * the jar that recorded it: with any other (a Java or fleet update, or {@code JAVA_HOME} pointed
 * elsewhere) the JVM starts without it and says nothing, and a launcher that does not notice
 * would hand the same archive to every later start, each one slower for it. (The Unix launchers
 * compare the archive's age with the jar's; the Windows one cannot do that cheaply.) So the run
 * that records an archive ({@value #RECORDING}) writes which runtime and which jar it is to a file
 * beside it, and a run that maps one compares: an archive of another runtime or jar is removed,
 * and the next start records one anew. An archive without that file (recorded before fleet wrote
 * it) is left alone, as is the jar when fleet does not run from one (tests).
 */
public final class ClassDataArchive {
    /** The archive this start maps or records (set by the launchers). */
    public static final String ARCHIVE = "fleet.classdata.archive";
    /** Set by the launchers on the run that records the archive. */
    public static final String RECORDING = "fleet.classdata.recording";
    private static final String STAMP_SUFFIX = ".jdk";
    /** Starts the stamp's line that names the jar (the first line names the runtime). */
    private static final String JAR_LINE = "jar ";

    private ClassDataArchive() {
    }

    /** Run first thing by each main: checks or stamps this start's archive; never fails a start. */
    public static void checkAtStart() {
        String archive = System.getProperty(ARCHIVE);
        if (archive != null) {
            check(archive, Boolean.getBoolean(RECORDING), runtime(), jar()).ifPresent(System.err::println);
        }
    }

    /**
     * @param archive the archive named by the launcher, or null when it named none
     * @param recording whether this run records it
     * @param runtime this runtime, as {@link #runtime()} says it
     * @param jar the jar this start runs from, as {@link #jar()} says it, or null when none
     * @return a line for stderr when an archive of another runtime or jar was removed
     */
    static Optional<String> check(String archive, boolean recording, String runtime, String jar) {
        if (archive == null || archive.isBlank()) {
            return Optional.empty();
        }
        try {
            Path file = Path.of(archive);
            Path stamp = stampOf(file);
            if (recording) {
                // Renamed into place, so a start that reads it never sees half a line.
                Path part = stamp.resolveSibling(stamp.getFileName() + "." + ProcessHandle.current().pid());
                try {
                    Files.writeString(part, runtime + "\n" + (jar == null ? "" : JAR_LINE + jar + "\n"), StandardCharsets.UTF_8);
                    Files.move(part, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    // Gone after the rename; left behind only by a write or rename that failed.
                    Files.deleteIfExists(part);
                }
                return Optional.empty();
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(stamp, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            if (lines.isEmpty() || !Files.exists(file)) {
                return Optional.empty();
            }
            String recordedBy = lines.get(0).strip();
            String recordedJar = lines.stream().filter(l -> l.startsWith(JAR_LINE)).map(l -> l.substring(JAR_LINE.length()).strip())
                    .findFirst().orElse(null);
            String why;
            if (!recordedBy.equals(runtime)) {
                why = "was recorded by another Java runtime (" + recordedBy + "), which this one (" + runtime + ") cannot map";
            } else if (jar != null && recordedJar != null && !recordedJar.equals(jar)) {
                why = "was recorded with another fleet jar (" + recordedJar + "; now " + jar + "), which this start cannot map";
            } else {
                return Optional.empty();
            }
            Files.deleteIfExists(file);
            Files.deleteIfExists(stamp);
            return Optional.of("fleet: the class-data archive " + file.getFileName() + " " + why
                    + ": removed; the next start records a new one");
        } catch (IOException | RuntimeException e) {
            // An archive is only a faster start: whatever went wrong here, this start goes on.
            return Optional.empty();
        }
    }

    /** Which runtime this is: its folder and its exact build (an update changes the build). */
    static String runtime() {
        return System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
    }

    /**
     * Which jar this start runs from: its name, size and modification time (a new build or
     * release changes them); null when fleet runs from a folder of classes.
     */
    static String jar() {
        try {
            CodeSource code = ClassDataArchive.class.getProtectionDomain().getCodeSource();
            if (code == null || code.getLocation() == null) {
                return null;
            }
            Path jar = Path.of(code.getLocation().toURI());
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return jar.getFileName() + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static Path stampOf(Path archive) {
        return archive.resolveSibling(archive.getFileName() + STAMP_SUFFIX);
    }
}
