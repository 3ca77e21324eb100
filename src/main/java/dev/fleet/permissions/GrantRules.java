package dev.fleet.permissions;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules for permissions granted mid-sprint: what is never granted without the user, and what
 * comes along with a grant because it is almost always needed next.
 */
final class GrantRules {
    /** Commands that hand out root, other users' rights, secrets in the environment, or the network at large. */
    private static final Set<String> NEVER = Set.of("sudo", "su", "env", "printenv", "nc", "nmap");
    private static final Pattern BASH = Pattern.compile("Bash\\((.*)\\)", Pattern.DOTALL);
    private static final Map<String, List<String>> COMES_WITH = Map.of(
            "Bash(docker:*)", List.of("Bash(docker-compose:*)", "Bash(docker buildx:*)"),
            "Bash(kubectl:*)", List.of("Bash(helm:*)"),
            "Bash(terraform:*)", List.of("Bash(terragrunt:*)"),
            "Bash(pip:*)", List.of("Bash(pip3:*)"),
            "Bash(python:*)", List.of("Bash(python3:*)"));

    private GrantRules() {
    }

    /**
     * The requested permissions that must not be granted automatically: the never-list commands in
     * any spelling ({@code Bash(sudo:*)}, {@code Bash(sudo apt …)}), {@code chmod 777}, and rules
     * that allow every command ({@code Bash}, {@code Bash(*)}), which include all of them.
     */
    static List<String> refused(List<String> requested) {
        return requested.stream().filter(GrantRules::dangerous).toList();
    }

    private static boolean dangerous(String permission) {
        String p = permission.strip();
        if (p.equals("Bash")) {
            return true;
        }
        Matcher m = BASH.matcher(p);
        if (!m.matches()) {
            return false;
        }
        String inside = m.group(1).strip();
        if (inside.isEmpty() || inside.equals("*") || inside.equals(":*")) {
            return true;
        }
        String command = inside.split("[:\\s]", 2)[0];
        return NEVER.contains(command) || inside.replaceAll("\\s+", " ").startsWith("chmod 777");
    }

    /** The requested permissions followed by what each brings along (one level), each once, in order. */
    static List<String> expand(List<String> requested) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : requested) {
            out.add(p);
            out.addAll(COMES_WITH.getOrDefault(p, List.of()));
        }
        return List.copyOf(out);
    }
}
