package dev.fleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Stand-ins for the system tools the on-instance guard uses, installed in a test member's
 * {@code ~/.local/bin} (which the guard puts first on its PATH): {@code sudo}, {@code systemctl},
 * {@code loginctl}, {@code crontab}, {@code who} and {@code nvidia-smi}. They record what they were
 * asked in {@code ~/.fake-guard/calls} and never touch the real system: {@code sudo} runs nothing
 * (a {@code tee} writes below {@code ~/.fake-guard/root/}), a shutdown is only recorded. The
 * guard's own power-off command is set to a recorder in {@code ~/.fleet/guard/guard.env} before any
 * guard is installed, and its clock is read from {@code ~/.fake-guard/now}.
 */
public final class GuardFakes {
    private final Path home;
    private final Path state;

    private GuardFakes(Path home) {
        this.home = home;
        this.state = home.resolve(".fake-guard");
    }

    /** Installs the fakes: systemd not running, no sudo rights, no logins, no GPU tool, real time. */
    public static GuardFakes install(Path home) throws IOException {
        GuardFakes f = new GuardFakes(home);
        Files.createDirectories(f.state);
        Path bin = Files.createDirectories(home.resolve(".local/bin"));
        script(bin.resolve("sudo"), """
                #!/bin/sh
                s="$HOME/.fake-guard"; echo "sudo $*" >> "$s/calls"
                [ "$(cat "$s/sudo" 2>/dev/null)" = yes ] || { echo 'sudo: a password is required' >&2; exit 1; }
                [ "$1" = -n ] && shift
                case "$1" in
                  true) exit 0 ;;
                  tee) mkdir -p "$s/root$(dirname "$2")"; cat > "$s/root$2" ;;
                  shutdown|poweroff|halt|reboot) echo "sudo $*" >> "$s/poweroffs" ;;
                  systemctl|loginctl) exec "$HOME/.local/bin/$@" ;;
                  *) exit 0 ;;
                esac
                """);
        script(bin.resolve("systemctl"), """
                #!/bin/sh
                s="$HOME/.fake-guard"; echo "systemctl $*" >> "$s/calls"
                running=$(cat "$s/systemd" 2>/dev/null)
                case "$*" in
                  is-system-running) if [ "$running" = running ]; then echo running; else echo offline; exit 1; fi ;;
                  *) [ "$running" = running ] || { echo 'System has not been booted with systemd' >&2; exit 1; } ;;
                esac
                exit 0
                """);
        script(bin.resolve("loginctl"), """
                #!/bin/sh
                s="$HOME/.fake-guard"; echo "loginctl $*" >> "$s/calls"
                case "$1" in
                  show-user) cat "$s/linger" 2>/dev/null || echo no ;;
                  enable-linger) [ -f "$s/linger-allowed" ] && echo yes > "$s/linger" || exit 1 ;;
                esac
                """);
        script(bin.resolve("crontab"), """
                #!/bin/sh
                s="$HOME/.fake-guard"; echo "crontab $*" >> "$s/calls"
                case "$1" in
                  -l) [ -f "$s/crontab" ] || { echo 'no crontab for user' >&2; exit 1; }; cat "$s/crontab" ;;
                  -) cat > "$s/crontab" ;;
                esac
                """);
        script(bin.resolve("who"), """
                #!/bin/sh
                cat "$HOME/.fake-guard/who" 2>/dev/null; exit 0
                """);
        f.gpuTool(false);
        Path guard = Files.createDirectories(home.resolve(".fleet/guard"));
        Files.writeString(guard.resolve("guard.env"), "FLEET_GUARD_POWEROFF='echo powered-off >> \"$HOME/.fake-guard/poweroffs\"'\n"
                + "FLEET_GUARD_NOW_FILE=\"$HOME/.fake-guard/now\"\n");
        return f;
    }

    private static final String NVIDIA_SMI = """
                #!/bin/sh
                s="$HOME/.fake-guard"
                case "$(cat "$s/gpu-mode" 2>/dev/null)" in
                  fail) echo 'NVIDIA-SMI has failed because it could not communicate with the driver' >&2; exit 9 ;;
                esac
                case "$*" in
                  *query-compute-apps*) cat "$s/gpu-apps" 2>/dev/null ;;
                  *) cat "$s/gpu-util" 2>/dev/null || echo '0, 0, 24576' ;;
                esac
                """;

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(state.resolve(name), text);
    }

    public GuardFakes systemd(boolean running) throws IOException {
        write("systemd", running ? "running\n" : "offline\n");
        return this;
    }

    public GuardFakes sudo(boolean allowed) throws IOException {
        write("sudo", allowed ? "yes\n" : "no\n");
        return this;
    }

    /** Whether {@code loginctl enable-linger} succeeds for the user. */
    public GuardFakes lingerAllowed(boolean allowed) throws IOException {
        if (allowed) {
            write("linger-allowed", "");
        } else {
            Files.deleteIfExists(state.resolve("linger-allowed"));
        }
        return this;
    }

    public GuardFakes logins(String whoOutput) throws IOException {
        write("who", whoOutput);
        return this;
    }

    /** nvidia-smi present (answering from the files below) or not installed at all. */
    public GuardFakes gpuTool(boolean present) throws IOException {
        Path smi = home.resolve(".local/bin/nvidia-smi");
        if (present) {
            script(smi, NVIDIA_SMI);
            write("gpu-mode", "ok\n");
        } else {
            Files.deleteIfExists(smi);
        }
        return this;
    }

    public GuardFakes gpuFailing() throws IOException {
        gpuTool(true);
        write("gpu-mode", "fail\n");
        return this;
    }

    /** The GPU now: average utilization and compute processes as {@code "pid, MiB"} lines. */
    public GuardFakes gpu(int utilization, String computeApps) throws IOException {
        gpuTool(true);
        write("gpu-util", utilization + ", 19000, 24576\n");
        write("gpu-apps", computeApps.isEmpty() ? "" : computeApps + "\n");
        return this;
    }

    /** Several GPUs: one utilization per GPU, and compute processes as {@code "pid, MiB"} lines. */
    public GuardFakes gpus(List<Integer> utilizations, String computeApps) throws IOException {
        gpuTool(true);
        StringBuilder lines = new StringBuilder();
        utilizations.forEach(u -> lines.append(u).append(", 19000, 81920\n"));
        write("gpu-util", lines.toString());
        write("gpu-apps", computeApps.isEmpty() ? "" : computeApps + "\n");
        return this;
    }

    /** The guard's clock (epoch seconds). */
    public GuardFakes now(long epochSeconds) throws IOException {
        write("now", epochSeconds + "\n");
        return this;
    }

    public List<String> calls() throws IOException {
        Path f = state.resolve("calls");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    public List<String> powerOffs() throws IOException {
        Path f = state.resolve("poweroffs");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    public String crontab() throws IOException {
        Path f = state.resolve("crontab");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /** A file "written as root" through the fake sudo. */
    public Path root(String absolutePath) {
        return state.resolve("root" + absolutePath);
    }

    public Path guardFolder() {
        return home.resolve(".fleet/guard");
    }
}
