package dev.fleet.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Keeps a start's class-data archive matched to the Java runtime that uses it.
 *
 * <p>The launchers give each kind of start (relay, daemon, server, command line) a class-data
 * archive and name it to the JVM in {@value #ARCHIVE}. An archive only works with the runtime
 * that recorded it: with any other (a Java update, or {@code JAVA_HOME} pointed elsewhere) the JVM
 * starts without it and says nothing, and the launchers, which compare the archive with the jar
 * only, would hand the same archive to every later start, each one slower for it. So the run that
 * records an archive ({@value #RECORDING}) writes which runtime it is to a file beside it, and a
 * run that maps one compares: an archive of another runtime is removed, and the next start
 * records one for this runtime. An archive without that file (recorded before fleet wrote it) is
 * left alone; the next jar records it anew anyway.
 */
public final class ClassDataArchive {
    /** The archive this start maps or records (set by the launchers). */
    public static final String ARCHIVE = "fleet.classdata.archive";
    /** Set by the launchers on the run that records the archive. */
    public static final String RECORDING = "fleet.classdata.recording";
    private static final String STAMP_SUFFIX = ".jdk";

    private ClassDataArchive() {
    }

    /** Run first thing by each main: checks or stamps this start's archive; never fails a start. */
    public static void checkAtStart() {
        check(System.getProperty(ARCHIVE), Boolean.getBoolean(RECORDING), runtime()).ifPresent(System.err::println);
    }

    /**
     * @param archive the archive named by the launcher, or null when it named none
     * @param recording whether this run records it
     * @param runtime this runtime, as {@link #runtime()} says it
     * @return a line for stderr when an archive of another runtime was removed
     */
    static Optional<String> check(String archive, boolean recording, String runtime) {
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
                    Files.writeString(part, runtime + "\n", StandardCharsets.UTF_8);
                    Files.move(part, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    // Gone after the rename; left behind only by a write or rename that failed.
                    Files.deleteIfExists(part);
                }
                return Optional.empty();
            }
            String recordedBy;
            try {
                recordedBy = Files.readString(stamp, StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            if (recordedBy.equals(runtime) || !Files.exists(file)) {
                return Optional.empty();
            }
            Files.deleteIfExists(file);
            Files.deleteIfExists(stamp);
            return Optional.of("fleet: the class-data archive " + file.getFileName() + " was recorded by another Java runtime ("
                    + recordedBy + "), which this one (" + runtime + ") cannot map: removed; the next start records a new one");
        } catch (IOException | RuntimeException e) {
            // An archive is only a faster start: whatever went wrong here, this start goes on.
            return Optional.empty();
        }
    }

    /** Which runtime this is: its folder and its exact build (an update changes the build). */
    static String runtime() {
        return System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
    }

    static Path stampOf(Path archive) {
        return archive.resolveSibling(archive.getFileName() + STAMP_SUFFIX);
    }
}
