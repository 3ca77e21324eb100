package dev.fleet.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets Claude Code up to use fleet, for one scope: the MCP server registration, fleet's skill,
 * and in settings.json the post-registration hook, the status line and the permission for
 * fleet's tools. Every step first compares what is there with what fleet wants, so a second
 * install changes nothing and a dry run lists exactly what a real run would do. What was changed
 * is recorded, and {@link #uninstall} takes back exactly that.
 */
public final class ClaudeCodeWiring {
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final ClaudeCodeLayout layout;
    private final FleetLaunch launch;
    private final String serverName;
    private final Optional<ClaudeCli> claude;
    private final Path recordFile;
    private final Clock clock;

    /** What a run did (or, for a dry run, would do), and what the user should know. */
    public record Report(List<String> changes, List<String> notes, List<String> kept) {
        public Report {
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
            kept = List.copyOf(kept);
        }

        public Report(List<String> changes, List<String> notes) {
            this(changes, notes, List.of());
        }
    }

    public ClaudeCodeWiring(ClaudeCodeLayout layout, FleetLaunch launch, String serverName, Optional<ClaudeCli> claude,
                            Path recordDir, Clock clock) {
        this.layout = layout;
        this.launch = launch;
        this.serverName = serverName;
        this.claude = claude;
        Path named = recordDir.resolve(layout.recordName());
        Path legacy = recordDir.resolve(layout.legacyRecordName());
        this.recordFile = !Files.exists(named) && Files.exists(legacy) ? legacy : named;
        this.clock = clock;
    }

    public ClaudeCodeLayout layout() {
        return layout;
    }

    SettingsWiring.Wanted wanted() {
        return new SettingsWiring.Wanted(serverName, launch.shellCommand("hook", "post-register-member"),
                launch.shellCommand("statusline"), layout.skillReadRule());
    }

    public Report install(boolean dryRun) throws IOException {
        List<String> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ProjectBounds.check(layout);

        ObjectNode settings = JsonFiles.readObject(layout.settingsFile());
        SettingsWiring.Outcome wired = SettingsWiring.install(settings, wanted());
        wired.said().forEach(s -> changes.add(layout.settingsFile() + ": " + s));

        InstallRecord earlier = InstallRecord.read(recordFile);
        Map<String, byte[]> skill = SkillBundle.files();
        List<String> skillWrites = new ArrayList<>();
        List<String> usersOwn = new ArrayList<>();
        Map<String, Path> editedCopies = new java.util.LinkedHashMap<>();
        if (Files.isSymbolicLink(layout.skillDir())) {
            // The same for fleet's skill folder: its pages would land wherever the link leads.
            throw new IOException(layout.skillDir() + " is a symbolic link; fleet writes its skill only into a folder of its own, "
                    + "never through a link: remove the link (what it leads to is left as it is), then run fleet install again");
        }
        for (Map.Entry<String, byte[]> f : skill.entrySet()) {
            Path target = layout.skillDir().resolve(f.getKey());
            if (Files.isSymbolicLink(target)) {
                // Unlike settings.json (a dotfiles link is common and meant), a skill file is fleet's own:
                // writing through a link there would replace whatever it leads to (a ~/.bashrc) with a page
                // of fleet's skill. Refused before anything is changed.
                throw new IOException(target + " is a symbolic link; fleet writes its skill files only as files of its own, "
                        + "never through a link: remove the link (what it leads to is left as it is), then run fleet install again");
            }
            boolean exists = Files.isRegularFile(target);
            // Compared by size first: a file of another size is not fleet's page, however large it is.
            if (!exists || Files.size(target) != f.getValue().length || !Arrays.equals(Files.readAllBytes(target), f.getValue())) {
                skillWrites.add(f.getKey());
                // A file fleet did not write (the user's own, or another tool's) is kept before it is replaced.
                boolean theirs = exists && (earlier == null || !earlier.skillFiles().contains(f.getKey()));
                if (theirs) {
                    usersOwn.add(f.getKey());
                }
                // Fleet's page, changed since fleet wrote it: the user's edits are kept beside it, as uninstall keeps them.
                boolean edited = exists && !theirs && !asFleetLeftIt(target, earlier.skillHashes().get(f.getKey()), f.getKey());
                if (edited) {
                    editedCopies.put(f.getKey(), editedCopyName(target));
                }
                changes.add("skill: " + (exists ? "update " : "write ") + target
                        + (theirs ? " (not fleet's: a copy is kept in " + skillOriginals() + " and fleet uninstall puts it back)" : "")
                        + (edited ? " (edited since fleet install wrote it: your page " + (dryRun ? "would be" : "is")
                        + " kept as " + editedCopies.get(f.getKey()) + ")" : ""));
            }
        }

        List<String> argv = launch.argv("serve");
        Optional<List<String>> current = ClaudeCli.registered(layout.serversFile(), layout.serversFileMaxBytes(), serverName);
        boolean register = !current.equals(Optional.of(argv));
        if (register && claude.isEmpty()) {
            notes.add("Claude Code (claude) was not found on PATH: the MCP server is not registered. "
                    + "Install Claude Code, then run fleet install again, or run: " + ClaudeCli.shown(layout.scope(), serverName, argv));
            register = false;
        } else if (register) {
            changes.add("register the MCP server with Claude Code: " + ClaudeCli.shown(layout.scope(), serverName, argv)
                    + current.map(c -> " (replacing " + replacedShown(c) + ")").orElse(""));
        }

        if (dryRun || changes.isEmpty()) {
            return new Report(changes, notes);
        }
        String backup = null;
        boolean settingsCreated = settings == null && !wired.said().isEmpty();
        boolean skillDirCreated = !Files.isDirectory(layout.skillDir());
        // Anything under the name, a link that leads nowhere included, counts as there before: only a
        // folder fleet made itself is ever removed by uninstall.
        boolean skillsFolderCreated = !Files.exists(layout.skillDir().getParent(), LinkOption.NOFOLLOW_LINKS);
        boolean claudeFolderCreated = !Files.exists(claudeFolder(), LinkOption.NOFOLLOW_LINKS);
        // The record is written after each step that changed something, not once at the end: a step
        // that fails later (claude mcp add exits non-zero, a disk fills) must not leave changes made
        // before it unrecorded, which fleet uninstall could then never take back.
        if (!wired.said().isEmpty()) {
            backup = backup(layout.settingsFile());
            JsonFiles.replace(layout.settingsFile(), JsonFiles.pretty(wired.settings()).getBytes(StandardCharsets.UTF_8));
            new InstallRecord(settingsCreated, backup, wired.changes(), false, false, claudeFolderCreated, List.of(), null, null,
                    Map.of())
                    .after(earlier).write(recordFile);
        }
        List<String> skillWritten = new ArrayList<>();
        try {
            for (String name : skillWrites) {
                if (usersOwn.contains(name)) {
                    keepOriginal(name);
                }
                if (editedCopies.containsKey(name)) {
                    keepEdited(layout.skillDir().resolve(name), editedCopies.get(name));
                }
                JsonFiles.replace(layout.skillDir().resolve(name), skill.get(name));
                skillWritten.add(name);
            }
        } finally {
            if (!skillWritten.isEmpty()) {
                new InstallRecord(settingsCreated, backup, wired.changes(), skillDirCreated, skillsFolderCreated,
                        claudeFolderCreated, skillWritten, null, null, hashes(skillWritten, skill))
                        .after(earlier).write(recordFile);
            }
        }
        if (register) {
            if (current.isPresent()) {
                claude.get().remove(layout.scope(), serverName, workingDir());
            }
            try {
                claude.get().add(layout.scope(), serverName, argv, workingDir());
            } catch (IOException failed) {
                throw current.isPresent() ? putBack(current.get(), failed) : failed;
            }
            new InstallRecord(settingsCreated, backup, wired.changes(), skillDirCreated && !skillWritten.isEmpty(),
                    skillsFolderCreated && !skillWritten.isEmpty(),
                    claudeFolderCreated && (!skillWritten.isEmpty() || !wired.said().isEmpty()), skillWritten, argv,
                    current.orElse(null), hashes(skillWritten, skill))
                    .after(earlier).write(recordFile);
        }
        return new Report(changes, notes);
    }

    public Report uninstall(boolean dryRun) throws IOException {
        InstallRecord record = InstallRecord.read(recordFile);
        if (record == null) {
            return new Report(List.of(), List.of("fleet install has not set up Claude Code for this " + layout.scope().cliName()
                    + " scope (no record in " + recordFile.getParent() + "): nothing to take back."));
        }
        List<String> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ProjectBounds.check(layout);

        ObjectNode settings = JsonFiles.readObject(layout.settingsFile());
        byte[] newSettings = null;
        boolean deleteSettings = false;
        if (settings != null) {
            SettingsWiring.Outcome undone = SettingsWiring.uninstall(settings, record.settings());
            if (!undone.settings().equals(settings)) {
                undone.said().forEach(s -> changes.add(layout.settingsFile() + ": " + s));
                ObjectNode original = record.settingsOriginal() == null ? null : JsonFiles.readObject(Path.of(record.settingsOriginal()));
                if (record.settingsCreated() && undone.settings().isEmpty()) {
                    deleteSettings = true;
                    changes.add("remove " + layout.settingsFile() + " (fleet created it and nothing else is in it)");
                } else if (original != null && original.equals(undone.settings())) {
                    // Back to the content it had: restore the user's own bytes, formatting included.
                    newSettings = Files.readAllBytes(Path.of(record.settingsOriginal()));
                } else {
                    newSettings = JsonFiles.pretty(undone.settings()).getBytes(StandardCharsets.UTF_8);
                }
            }
        }

        List<Path> skillFiles = new ArrayList<>();
        List<Path> skillFilesGone = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        // Install made fleet's skill folder a folder of its own; a link put in its place since leads
        // to someone else's files, whatever their names: none of them is fleet's to remove.
        boolean skillDirLinked = Files.isSymbolicLink(layout.skillDir());
        if (skillDirLinked && !record.skillFiles().isEmpty()) {
            notes.add(layout.skillDir() + " is now a symbolic link, not the folder fleet install wrote; "
                    + "the files behind it are left alone");
        }
        for (String name : skillDirLinked ? List.<String>of() : record.skillFiles()) {
            // A record names plain files of the skill folder; anything else (a damaged or edited
            // record: "../../.bashrc") is no file of fleet's and is never deleted.
            if (!name.matches("[A-Za-z0-9._-]+") || name.equals(".") || name.equals("..")) {
                notes.add("the install record names a skill file \"" + name.replaceAll("\\p{Cntrl}", "?")
                        + "\" that is not a plain file name; left alone");
                continue;
            }
            Path f = layout.skillDir().resolve(name);
            // Only a file fleet wrote is removed; a link put at its name since is the user's.
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !asFleetLeftIt(f, record.skillHashes().get(name), name)) {
                // A dry run changes nothing, so it says what a real run would do, as its changes do.
                kept.add(f + ": edited since fleet install wrote it; " + (dryRun ? "would keep it" : "kept")
                        + " (delete it yourself if it is no longer wanted)");
            } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                skillFiles.add(f);
                boolean putBack = Files.isRegularFile(skillOriginals().resolve(name), LinkOption.NOFOLLOW_LINKS);
                if (!putBack) {
                    skillFilesGone.add(f);
                }
                changes.add(putBack ? "skill: put back the file that was there before fleet install: " + f : "skill: remove " + f);
            }
        }

        // The folders install created go too, each only when it is a real folder of its own (never a
        // link or junction) that holds nothing once fleet's files are gone: a file the user put there
        // since, or a folder the user had before install, stays.
        Path skillsFolder = layout.skillDir().getParent();
        boolean removeSkillDir = record.skillDirCreated() && emptiedBy(layout.skillDir(), skillFilesGone);
        boolean removeSkillsFolder = record.skillsFolderCreated()
                && emptiedBy(skillsFolder, removeSkillDir ? List.of(layout.skillDir()) : List.of());
        if (removeSkillDir) {
            changes.add("skill: remove the folder " + layout.skillDir() + " (fleet install created it and nothing else is in it)");
        }
        if (removeSkillsFolder) {
            changes.add("skill: remove the folder " + skillsFolder + " (fleet install created it and nothing else is in it)");
        }
        // The .claude folder itself, by the same rule: what fleet put in it goes, and nothing else is there.
        List<Path> leaving = new ArrayList<>();
        if (deleteSettings) {
            leaving.add(layout.settingsFile());
        }
        if (removeSkillsFolder) {
            leaving.add(skillsFolder);
        }
        boolean removeClaudeFolder = record.claudeFolderCreated() && !leaving.isEmpty() && emptiedBy(claudeFolder(), leaving);
        if (removeClaudeFolder) {
            changes.add("remove the folder " + claudeFolder() + " (fleet install created it and nothing else is in it)");
        }

        boolean unregister = false;
        if (record.registered() != null) {
            Optional<List<String>> current = ClaudeCli.registered(layout.serversFile(), layout.serversFileMaxBytes(), serverName);
            if (current.equals(Optional.of(record.registered()))) {
                if (claude.isEmpty()) {
                    notes.add("Claude Code (claude) was not found on PATH: remove the server yourself with: claude mcp remove --scope "
                            + layout.scope().cliName() + " " + serverName);
                } else {
                    unregister = true;
                    changes.add("unregister the MCP server: claude mcp remove --scope " + layout.scope().cliName() + " " + serverName
                            + (record.replacedServer() == null ? ""
                            : ", then register again what it replaced: " + String.join(" ", record.replacedServer())));
                }
            }
        }
        if (dryRun) {
            return new Report(changes, notes, kept);
        }
        if (deleteSettings) {
            // Fleet created it and nothing but fleet's entries was in it: there is nothing of the
            // user's to keep a copy of (a copy would also keep a folder install created).
            Files.delete(layout.settingsFile());
        } else if (newSettings != null) {
            backup(layout.settingsFile());
            JsonFiles.replace(layout.settingsFile(), newSettings);
        }
        for (Path f : skillFiles) {
            Path original = skillOriginals().resolve(f.getFileName().toString());
            if (Files.isRegularFile(original, LinkOption.NOFOLLOW_LINKS)) {
                JsonFiles.replace(f, Files.readAllBytes(original));
                // With the permissions it had (the copy kept them), not those of fleet's page it replaces.
                if (Files.getFileAttributeView(f, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                    Files.setPosixFilePermissions(f, Files.getPosixFilePermissions(original));
                }
                Files.delete(original);
            } else {
                Files.delete(f);
            }
        }
        if (Files.isDirectory(skillOriginals(), LinkOption.NOFOLLOW_LINKS)) {
            try (var left = Files.list(skillOriginals())) {
                if (left.findAny().isEmpty()) {
                    Files.delete(skillOriginals());
                }
            }
        }
        if (removeSkillDir) {
            deleteIfEmptyFolder(layout.skillDir());
        }
        if (removeSkillsFolder) {
            deleteIfEmptyFolder(skillsFolder);
        }
        if (removeClaudeFolder) {
            deleteIfEmptyFolder(claudeFolder());
        }
        if (unregister) {
            claude.get().remove(layout.scope(), serverName, workingDir());
            if (record.replacedServer() != null) {
                claude.get().add(layout.scope(), serverName, record.replacedServer(), workingDir());
            }
        }
        Files.delete(recordFile);
        return new Report(changes, notes, kept);
    }

    /**
     * Whether a skill file is still as fleet install wrote it: its content has the SHA-256 the
     * record keeps. A record written before hashes were kept is compared with the page this build
     * would write: a file that differs may be one the user edited, and is kept rather than lost (a
     * page of an older fleet, never edited, is kept the same way; it is named, and one delete away).
     */
    private static boolean asFleetLeftIt(Path f, String recordedHash, String name) throws IOException {
        byte[] bundled = SkillBundle.files().get(name);
        long size = Files.size(f);
        if (recordedHash == null) {
            return bundled != null && size == bundled.length && Arrays.equals(Files.readAllBytes(f), bundled);
        }
        // Fleet's pages are a few KB: a file far larger is not one of them, and is not read whole.
        return size <= JsonFiles.MAX_BYTES && InstallRecord.sha256(Files.readAllBytes(f)).equals(recordedHash);
    }

    private static Map<String, String> hashes(List<String> names, Map<String, byte[]> skill) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        names.forEach(n -> out.put(n, InstallRecord.sha256(skill.get(n))));
        return out;
    }

    /**
     * Whether {@code dir} is a real folder (not a link, not a junction or other reparse point) that
     * holds nothing but {@code goingAway}.
     */
    private static boolean emptiedBy(Path dir, List<Path> goingAway) throws IOException {
        if (!realFolder(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.allMatch(goingAway::contains);
        }
    }

    private static boolean realFolder(Path dir) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // On Windows a junction reads as a folder that is also "other" (a reparse point).
            return a.isDirectory() && !a.isSymbolicLink() && !a.isOther();
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Deletes a folder checked just before to be real and empty. Something put there in between
     * keeps it: deleting a folder that is not empty fails, and a link that took its place is left.
     */
    private static void deleteIfEmptyFolder(Path dir) throws IOException {
        if (!realFolder(dir)) {
            return;
        }
        try {
            Files.delete(dir);
        } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException kept) {
            // someone else's now, or already gone
        }
    }

    private Path workingDir() {
        return layout.projectDir() != null ? layout.projectDir() : layout.home();
    }

    /**
     * fleet's registration failed after the one it replaces was removed: that one is registered
     * again, so a failed install leaves Claude Code with the server it had. What is said of it
     * never quotes its arguments (see {@link #replacedShown}).
     */
    private IOException putBack(List<String> replaced, IOException failed) {
        try {
            claude.get().add(layout.scope(), serverName, replaced, workingDir());
            return new IOException(failed.getMessage() + "; the registration it was to replace (" + replacedShown(replaced)
                    + ") is registered again", failed);
        } catch (IOException again) {
            return new IOException(failed.getMessage() + "; the registration it was to replace (" + replacedShown(replaced)
                    + ") was removed and could not be registered again: register it by hand", failed);
        }
    }

    /**
     * The registration being replaced, as far as it names a program and its script (node and a
     * path, say): from the first option on, arguments may carry a token (--api-key X) and are left out.
     */
    static String replacedShown(List<String> argv) {
        List<String> shown = argv.stream().takeWhile(a -> !a.startsWith("-")).limit(4).toList();
        String more = shown.size() < argv.size() ? " ..." : "";
        return shown.isEmpty() ? "the earlier registration" : String.join(" ", shown) + more;
    }

    /** The folder that holds settings.json and the skills ({@code ~/.claude}, or the project's {@code .claude}). */
    private Path claudeFolder() {
        return layout.settingsFile().getParent();
    }

    /** Where the skill files that were there before fleet's (not written by fleet) are kept, in fleet's data folder. */
    private Path skillOriginals() {
        return recordFile.resolveSibling(recordFile.getFileName().toString().replace(".json", "") + "-skill-originals");
    }

    /** Copies the user's own skill file aside before fleet's replaces it; a copy kept by an earlier run stays. */
    private void keepOriginal(String name) throws IOException {
        Path copy = skillOriginals().resolve(name);
        if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        SecureFiles.createPrivateDirectories(skillOriginals());
        Files.copy(layout.skillDir().resolve(name), copy, StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** A free name beside a skill page for the user's edited copy of it: {@code work.md.edited-<time>}. */
    private Path editedCopyName(Path page) {
        String stamp = BACKUP_STAMP.format(clock.instant().atZone(ZoneId.systemDefault()));
        Path copy = page.resolveSibling(page.getFileName() + ".edited-" + stamp);
        for (int n = 2; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); n++) {
            copy = page.resolveSibling(page.getFileName() + ".edited-" + stamp + "-" + n);
        }
        return copy;
    }

    /**
     * Copies the user's edited page to {@code copy}, owner-only: the page is read without following
     * a link, and the copy is created anew, so something put under its name meanwhile (a link
     * included) stops the install before the page is replaced rather than being written through.
     */
    private static void keepEdited(Path page, Path copy) throws IOException {
        SecureFiles.createPrivateNew(copy);
        try (var in = Files.newInputStream(page, LinkOption.NOFOLLOW_LINKS);
             var out = Files.newOutputStream(copy, LinkOption.NOFOLLOW_LINKS, java.nio.file.StandardOpenOption.WRITE)) {
            in.transferTo(out);
        }
    }

    /** A dated copy of the file next to it, before fleet changes it; null when there is no file yet. */
    private String backup(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String stamp = BACKUP_STAMP.format(clock.instant().atZone(ZoneId.systemDefault()));
        Path copy = file.resolveSibling(file.getFileName() + ".fleet-backup-" + stamp);
        for (int n = 2; Files.exists(copy); n++) {
            copy = file.resolveSibling(file.getFileName() + ".fleet-backup-" + stamp + "-" + n);
        }
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        return copy.toString();
    }
}
