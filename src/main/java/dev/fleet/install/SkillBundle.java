package dev.fleet.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fleet's own Claude Code skill, shipped inside the jar and installed as plain files. */
public final class SkillBundle {
    /** Every file of the skill; SKILL.md is the entry point Claude Code loads. */
    public static final List<String> FILES = List.of("SKILL.md", "onboarding.md", "work.md", "cloud-and-tasks.md",
            "git-and-permissions.md", "doer-reviewer.md", "troubleshooting.md");

    private SkillBundle() {
    }

    /** File name to content, in {@link #FILES} order. */
    public static Map<String, byte[]> files() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = SkillBundle.class.getResourceAsStream("skill/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the skill file " + name + " is missing from this build");
                }
                all.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }
}
