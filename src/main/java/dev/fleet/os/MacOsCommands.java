package dev.fleet.os;

import dev.fleet.member.MemberOs;

final class MacOsCommands extends PosixCommands {
    @Override
    public MemberOs os() {
        return MemberOs.MACOS;
    }

    @Override
    public java.util.Optional<String> fleetCommands(java.util.List<String> runTags) {
        // ps -E appends each process's environment to its command line, variables separated by spaces.
        return java.util.Optional.of(needs("ps") + "ps -axwwE -o command= 2>/dev/null | grep -oE '(^| )" + RUN_TAG + "=("
                + String.join("|", runTags) + ")-[0-9a-f]+( |$)' | tr -d ' ' | grep -vxF \"" + RUN_TAG + "=${" + RUN_TAG
                + ":-}\" | sort -u; true");
    }

    @Override
    public String agentProcesses() {
        return agentProcessLines("lsof -a -p $pid -d cwd -Fn 2>/dev/null | sed -n 's/^n//p'");
    }

    @Override
    public java.util.Optional<String> sha256Files(String realRoot) {
        return java.util.Optional.of(PosixCommands.filesInside(realRoot) + " | xargs -0 shasum -a 256 -- 2>/dev/null; true");
    }

    @Override
    public String killTagged(String runId) {
        // ps -E appends each process's environment to its command line.
        return "ps -axwwE -o pid=,command= | grep -F " + RUN_TAG + "=" + runId + " | grep -v grep | "
                + "while read -r pid rest; do kill -KILL \"$pid\" 2>/dev/null; done; true";
    }

    @Override
    public String systemProbe() {
        return "echo \"load1=$(sysctl -n vm.loadavg | awk '{print $2}')\"; echo \"cpus=$(sysctl -n hw.ncpu)\"; "
                + "echo \"mem_total_kb=$(( $(sysctl -n hw.memsize) / 1024 ))\"; "
                + "vm_stat | awk '/page size of/ {ps=$8} /Pages free/ {f=$3} /Pages inactive/ {i=$3} "
                + "END {gsub(\"\\\\.\",\"\",f); gsub(\"\\\\.\",\"\",i); print \"mem_available_kb=\" int((f+i)*ps/1024)}'";
    }

    @Override
    String killTaskTagged() {
        // ps -E appends each process's environment to its command line, variables separated by
        // spaces: the whole variable is matched, so task-abcd never matches task-abcd1234.
        return "ps -axwwE -o pid=,command= 2>/dev/null | grep -E \"(^| )FLEET_TASK_ID=$id( |\\$)\" | grep -v grep | "
                + "while read -r p rest; do [ \"$p\" = \"$$\" ] || kill -KILL \"$p\" 2>/dev/null; done; ";
    }

    @Override
    String taskTagged(String pid) {
        // ps -E appends the environment to the command line, variables separated by spaces.
        return "ps -wwE -o command= -p \"" + pid + "\" 2>/dev/null | grep -qE \"(^| )FLEET_TASK_ID=$id( |\\$)\"";
    }
}
