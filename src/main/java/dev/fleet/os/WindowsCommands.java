package dev.fleet.os;

import static dev.fleet.security.ShellQuote.powershell;

import dev.fleet.member.MemberOs;
import java.util.List;

/** Windows members run PowerShell; every script here is PowerShell text. */
final class WindowsCommands implements OsCommands {
    @Override
    public MemberOs os() {
        return MemberOs.WINDOWS;
    }

    @Override
    public List<String> shellArgv(String script) {
        return List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script);
    }

    /**
     * OpenSSH on Windows starts cmd.exe by default; PowerShell gets the script base64-encoded
     * (UTF-16LE, as -EncodedCommand expects), so no quoting layer can break it.
     */
    @Override
    public String remoteCommand(String script, String folder, String runId) {
        // A Set-Location failure is not terminating by itself: without the catch the command would
        // run in the login folder. Exit 127 with a message, as on POSIX members.
        String body = (folder == null ? "" : "try { Set-Location -LiteralPath " + powershell(folder) + " -ErrorAction Stop } "
                + "catch { [Console]::Error.WriteLine('fleet: work folder ' + " + powershell(folder)
                + " + ' does not exist on the member'); exit 127 }; ")
                + "$env:FLEET_RUN_ID = '" + runId + "'; " + script;
        return "powershell -NoProfile -NonInteractive -EncodedCommand "
                + java.util.Base64.getEncoder().encodeToString(body.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
    }

    @Override
    public String killTagged(String runId) {
        // Windows exposes no other process's environment; ending the SSH channel ends the command's console.
        return "$null";
    }

    @Override
    public java.util.Optional<String> fleetCommands(java.util.List<String> runTags) {
        // No other process's environment is visible: the activity check relies on the other signs.
        return java.util.Optional.empty();
    }

    @Override
    public String gpuUtilization() {
        return "nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits";
    }

    @Override
    public String gpuComputeProcesses() {
        return "if (-not (Get-Command nvidia-smi -ErrorAction SilentlyContinue)) { exit 127 }; "
                + "nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits";
    }

    @Override
    public java.util.Optional<String> gpuSample(long windowSeconds) {
        return java.util.Optional.empty();
    }

    @Override
    public String homeFolder() {
        return "$env:USERPROFILE";
    }

    @Override
    public String authorizeKey(String publicKeyLine) {
        String line = powershell(publicKeyLine);
        return "$d = Join-Path $env:USERPROFILE '.ssh'; New-Item -ItemType Directory -Force -Path $d | Out-Null; "
                + "$f = Join-Path $d 'authorized_keys'; if (-not (Test-Path $f) -or -not (Select-String -SimpleMatch -Quiet -Path $f -Pattern "
                + line + ")) { Add-Content -Path $f -Value " + line + " }";
    }

    @Override
    public String revokeKey(String publicKeyLine) {
        return "$f = Join-Path $env:USERPROFILE '.ssh\\authorized_keys'; if (Test-Path $f) { "
                + "(Get-Content $f) | Where-Object { $_ -ne " + powershell(publicKeyLine) + " } | Set-Content $f }";
    }

    @Override
    public String makeDirectory(String folder) {
        return "New-Item -ItemType Directory -Force -Path " + powershell(folder) + " | Out-Null";
    }

    @Override
    public String folderExists(String folder) {
        return "if (Test-Path -PathType Container -LiteralPath " + powershell(folder) + ") { 'yes' } else { 'no' }";
    }

    @Override
    public String agentProcesses() {
        // Windows does not expose another process's working folder; matching uses the command line.
        return "Get-CimInstance Win32_Process | Where-Object { $_.CommandLine -match '" + AgentProcessNames.DOTNET_REGEX + "' } | "
                + "ForEach-Object { \"$($_.ProcessId)`t`t$($_.CommandLine)\" }";
    }

    @Override
    public String systemProbe() {
        return "$os = Get-CimInstance Win32_OperatingSystem; "
                + "$load = (Get-CimInstance Win32_Processor | Measure-Object -Property LoadPercentage -Average).Average; "
                + "\"load1=$([math]::Round($load / 100 * $env:NUMBER_OF_PROCESSORS, 2))\"; "
                + "\"cpus=$env:NUMBER_OF_PROCESSORS\"; "
                + "\"mem_total_kb=$($os.TotalVisibleMemorySize)\"; \"mem_available_kb=$($os.FreePhysicalMemory)\"";
    }

    @Override
    public String diskProbe(String folder) {
        return "$d = (Get-Item -LiteralPath " + powershell(folder) + ").PSDrive; "
                + "\"disk_total_kb=$([math]::Floor(($d.Used + $d.Free) / 1024))\"; \"disk_available_kb=$([math]::Floor($d.Free / 1024))\"";
    }

    /** The task wrapper is a bash script; Windows members run commands synchronously only. */
    @Override
    public java.util.Optional<TaskCommands> tasks() {
        return java.util.Optional.empty();
    }
}
