package dev.fleet.permissions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A toolchain recognised by a marker file at the top of a work folder. Its profile (the stack's
 * name + .json) lists the commands each role may run; php is recognised but has no profile.
 */
public enum Stack {
    NODE(List.of("package.json"), List.of()),
    PYTHON(List.of("requirements.txt", "pyproject.toml", "setup.py"), List.of()),
    RUST(List.of("Cargo.toml"), List.of()),
    GO(List.of("go.mod"), List.of()),
    JVM(List.of("build.gradle", "build.gradle.kts", "pom.xml"), List.of()),
    CPP(List.of("Makefile", "CMakeLists.txt"), List.of()),
    PHP(List.of("composer.json"), List.of()),
    DOTNET(List.of(), List.of("*.sln", "*.csproj"));

    private final List<String> markers;
    private final List<String> globs;

    Stack(List<String> markers, List<String> globs) {
        this.markers = markers;
        this.globs = globs;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<String> allMarkers() {
        List<String> all = new ArrayList<>();
        for (Stack s : values()) {
            all.addAll(s.markers);
        }
        return all;
    }

    static List<String> allGlobs() {
        List<String> all = new ArrayList<>();
        for (Stack s : values()) {
            all.addAll(s.globs);
        }
        return all;
    }

    /** The stacks whose markers (file names or globs) were found, in this enum's order, each once. */
    static List<Stack> fromFound(List<String> found) {
        Set<Stack> out = new LinkedHashSet<>();
        for (Stack s : values()) {
            if (found.stream().anyMatch(f -> s.markers.contains(f) || s.globs.contains(f))) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
