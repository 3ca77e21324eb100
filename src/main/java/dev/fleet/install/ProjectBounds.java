package dev.fleet.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Project scope writes only inside the project folder. A project's {@code .claude} folder, its
 * {@code settings.json} or its {@code skills} folder may be links that came with a cloned
 * repository; followed, they had fleet install merge its hook and status line into any JSON file
 * of the user's and write the skill pages into any folder. (User scope follows such links on
 * purpose: there they are the user's own, a dotfiles repository.)
 */
final class ProjectBounds {
    private ProjectBounds() {
    }

    /** Throws, naming the path and where it leads, when a path fleet writes in project scope leads outside the project. */
    static void check(ClaudeCodeLayout layout) throws IOException {
        if (layout.projectDir() == null) {
            return;
        }
        Path root = layout.projectDir().toRealPath();
        for (Path p : List.of(layout.settingsFile(), layout.skillDir())) {
            Path real = resolved(p);
            if (!real.startsWith(root)) {
                throw new IOException(p + " leads outside the project folder " + root + " (to " + real + ", through a link); "
                        + "in project scope fleet writes only inside the project: remove the link, or install for your user "
                        + "(--scope user)");
            }
        }
    }

    /**
     * The path with every link resolved, as far as it exists; the names below the deepest existing
     * folder are appended as they are. A link that leads nowhere counts as a name of its own (fleet
     * replaces such a link, never writes through it).
     */
    static Path resolved(Path p) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = p.toAbsolutePath().normalize();
        while (existing.getParent() != null && !Files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real = existing.toRealPath();
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real;
    }
}
