package dev.fleet.os;

import dev.fleet.member.MemberOs;

final class LinuxCommands extends PosixCommands {
    @Override
    public MemberOs os() {
        return MemberOs.LINUX;
    }

    @Override
    public String agentProcesses() {
        return agentProcessLines("readlink /proc/$pid/cwd 2>/dev/null");
    }

    @Override
    public java.util.Optional<String> sha256Files() {
        return java.util.Optional.of("xargs -0 -r sha256sum -- 2>/dev/null; true");
    }

    @Override
    public String killTagged(String runId) {
        return "for f in $(grep -lzx " + RUN_TAG + "=" + runId + " /proc/[0-9]*/environ 2>/dev/null); do "
                + "p=${f#/proc/}; kill -KILL \"${p%/environ}\" 2>/dev/null; done; true";
    }

    @Override
    public String systemProbe() {
        return "read l1 l5 l15 rest < /proc/loadavg; echo \"load1=$l1\"; echo \"cpus=$(nproc 2>/dev/null || echo 1)\"; "
                + "awk '/^MemTotal:/ {print \"mem_total_kb=\" $2} /^MemAvailable:/ {print \"mem_available_kb=\" $2}' /proc/meminfo";
    }

    @Override
    String killTaskTagged() {
        return "for f in $(grep -lzx \"FLEET_TASK_ID=$id\" /proc/[0-9]*/environ 2>/dev/null); do "
                + "p=${f#/proc/}; p=${p%/environ}; [ \"$p\" = \"$$\" ] || kill -KILL \"$p\" 2>/dev/null; done; ";
    }
}
