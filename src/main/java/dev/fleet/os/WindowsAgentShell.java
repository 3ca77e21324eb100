package dev.fleet.os;

import static dev.fleet.security.ShellQuote.powershell;

import java.util.List;

/** Agent CLI shell text for Windows members: every script is PowerShell. */
final class WindowsAgentShell implements AgentShell {
    /** Where agent CLIs install themselves on Windows: the official installers' folder and npm's global bin. */
    static final String AGENT_PATH = "$env:Path = \"$env:USERPROFILE\\.local\\bin;$env:APPDATA\\npm;$env:Path\"; ";
    /** Variables fleet set for the user, one name per line, so removal takes back only those. */
    private static final String VARIABLES_FILE = "(Join-Path $env:USERPROFILE '.fleet-variables')";

    @Override
    public String cli(String executable, List<String> args) {
        StringBuilder c = new StringBuilder(AGENT_PATH).append("& ").append(powershell(executable));
        args.forEach(a -> c.append(' ').append(powershell(a)));
        return c.append(" 2>&1").toString();
    }

    @Override
    public String install(Installer installer) {
        String npm = installer.npmPackage() == null ? null : "npm install -g " + powershell(installer.npmPackage()) + " 2>&1";
        String script = installer.windowsScriptUrl() == null ? null
                : "Invoke-RestMethod " + powershell(installer.windowsScriptUrl()) + " | Invoke-Expression";
        if (npm == null) {
            return AGENT_PATH + script;
        }
        String otherwise = script != null ? script
                : "[Console]::Error.WriteLine(" + powershell("fleet: npm is needed to install " + installer.npmPackage()) + "); exit 127";
        return AGENT_PATH + "if (Get-Command npm -ErrorAction SilentlyContinue) { " + npm + " } else { " + otherwise + " }";
    }

    private static String home(String relative) {
        return "(Join-Path $env:USERPROFILE " + powershell(relative) + ")";
    }

    @Override
    public String authProbe(List<String> homeFiles, List<String> variables) {
        StringBuilder c = new StringBuilder();
        for (String f : homeFiles) {
            c.append("if (Test-Path ").append(home(f)).append(") { ").append(powershell("file " + f)).append(" }; ");
        }
        for (String v : variables) {
            c.append("if ($env:").append(v).append(" -or [Environment]::GetEnvironmentVariable(").append(powershell(v))
                    .append(", 'User')) { ").append(powershell("variable " + v)).append(" }; ");
        }
        return c.append("$null").toString();
    }

    @Override
    public String persistVariable(String variable) {
        return "$k = [Console]::In.ReadToEnd().Trim(); if ($k -notmatch '^[A-Za-z0-9_-]+$') { [Console]::Error.WriteLine('fleet: malformed key'); exit 2 }; "
                + "[Environment]::SetEnvironmentVariable(" + powershell(variable) + ", $k, 'User'); "
                + "if (-not (Test-Path " + VARIABLES_FILE + ") -or -not (Select-String -Quiet -SimpleMatch -Path " + VARIABLES_FILE
                + " -Pattern " + powershell(variable) + ")) { Add-Content -Path " + VARIABLES_FILE + " -Value " + powershell(variable) + " }";
    }

    @Override
    public String installHomeFile(HomeFile file) {
        return "$f = " + home(file.path()) + "; New-Item -ItemType Directory -Force -Path (Split-Path -Parent $f) | Out-Null; "
                + "[IO.File]::WriteAllText($f, [Console]::In.ReadToEnd()); "
                + "New-Item -ItemType File -Force -Path " + home(file.marker()) + " | Out-Null";
    }

    @Override
    public String removeFleetAuth(List<HomeFile> files) {
        StringBuilder c = new StringBuilder();
        for (HomeFile f : files) {
            c.append("if (Test-Path ").append(home(f.marker())).append(") { Remove-Item -Force ").append(home(f.path())).append(", ")
                    .append(home(f.marker())).append(" -ErrorAction SilentlyContinue }; ");
        }
        return c.append("if (Test-Path ").append(VARIABLES_FILE).append(") { Get-Content ").append(VARIABLES_FILE)
                .append(" | ForEach-Object { if ($_ -match '^[A-Z][A-Z0-9_]*$') { [Environment]::SetEnvironmentVariable($_, $null, 'User') } }; ")
                .append("Remove-Item -Force ").append(VARIABLES_FILE).append(" }").toString();
    }

    private static String runDir(String runId) {
        return "(Join-Path $env:USERPROFILE '.fleet-prompts\\" + runId + "')";
    }

    /** One command line for Start-Process: each argument double-quoted the way Windows programs split them. */
    static String argumentLine(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String a : args) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append('"');
            int backslashes = 0;
            for (char ch : a.toCharArray()) {
                if (ch == '\\') {
                    backslashes++;
                    continue;
                }
                // Backslashes are literal unless they precede a quote; then each is doubled and the quote escaped.
                line.append("\\".repeat(ch == '"' ? backslashes * 2 + 1 : backslashes)).append(ch);
                backslashes = 0;
            }
            line.append("\\".repeat(backslashes * 2)).append('"');
        }
        return line.toString();
    }

    @Override
    public String launchPrompt(PromptLaunch l) {
        boolean file = l.input() == PromptLaunch.Input.FILE_IN_FOLDER;
        StringBuilder c = new StringBuilder("$ErrorActionPreference = 'Stop'; $d = ").append(runDir(l.runId())).append("; ")
                .append("New-Item -ItemType Directory -Force -Path $d | Out-Null; ")
                .append("Set-Content -LiteralPath (Join-Path $d 'member') -Value ").append(powershell(l.memberId())).append(" -Encoding ascii; ")
                .append("Set-Content -LiteralPath (Join-Path $d 'mark') -Value '' -Encoding ascii; ")
                .append("$in = [Console]::In.ReadToEnd() -split \"`n\", 2; ")
                .append("[IO.File]::WriteAllBytes((Join-Path $d 'prompt'), [Convert]::FromBase64String($in[1].Trim())); ");
        if (l.secretVariable() != null) {
            c.append("if ($in[0].Trim() -ne '-') { $env:").append(l.secretVariable())
                    .append(" = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($in[0].Trim())) } ")
                    .append("elseif (-not $env:").append(l.secretVariable()).append(") { $env:").append(l.secretVariable())
                    .append(" = [Environment]::GetEnvironmentVariable(").append(powershell(l.secretVariable())).append(", 'User') }; ");
        }
        c.append("$in = $null; ").append(AGENT_PATH)
                // npm installs a .cmd shim next to a .ps1 one; Start-Process can run the .cmd or a real .exe.
                .append("$exe = Get-Command ").append(powershell(l.executable() + ".exe")).append(", ")
                .append(powershell(l.executable() + ".cmd")).append(" -ErrorAction SilentlyContinue | Select-Object -First 1; ")
                .append("if (-not $exe) { [Console]::Error.WriteLine(")
                .append(powershell("fleet: " + l.executable() + " is not installed on the member (not found on PATH)"))
                .append("); Remove-Item -Recurse -Force $d; exit 127 }; ")
                .append("$env:FLEET_PROMPT_RUN = '").append(l.runId()).append("'; ");
        String input = "(Join-Path $d 'prompt')";
        if (file) {
            // New-Item without -Force fails on any name already there: the copy goes into a folder made now.
            c.append("New-Item -ItemType Directory -Path ").append(powershell(l.promptFolder())).append(" | Out-Null; ")
                    .append("Copy-Item -LiteralPath (Join-Path $d 'prompt') -Destination ")
                    .append(powershell(PromptLaunch.promptPath(l.promptFolder()))).append("; ");
            input = "(Join-Path $d 'none')";
            c.append("Set-Content -LiteralPath (Join-Path $d 'none') -Value '' -Encoding ascii; ");
        }
        c.append("if (Test-Path (Join-Path $d 'ended-by')) { $code = 130 } else { ")
                .append("$p = Start-Process -FilePath $exe.Source -ArgumentList ").append(powershell(argumentLine(l.args())))
                .append(" -NoNewWindow -PassThru -RedirectStandardInput ").append(input)
                .append(" -RedirectStandardOutput (Join-Path $d 'out') -RedirectStandardError (Join-Path $d 'err'); ")
                // Reading the handle now keeps the exit code available after the process ends.
                .append("$null = $p.Handle; Set-Content -LiteralPath (Join-Path $d 'pid') -Value $p.Id -Encoding ascii; ")
                .append("$p.WaitForExit(); $code = $p.ExitCode }; ");
        if (file) {
            c.append("Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -LiteralPath ").append(powershell(l.promptFolder())).append("; ");
        }
        return c.append("if (Test-Path (Join-Path $d 'out')) { [Console]::Out.Write([IO.File]::ReadAllText((Join-Path $d 'out'))) }; ")
                .append("if (Test-Path (Join-Path $d 'err')) { [Console]::Error.Write([IO.File]::ReadAllText((Join-Path $d 'err'))) }; ")
                .append("if (Test-Path (Join-Path $d 'ended-by')) { [Console]::Error.WriteLine(\"`n").append(ENDED_BY_MARK)
                .append("\" + (Get-Content -LiteralPath (Join-Path $d 'ended-by') -First 1)) }; ")
                .append("Remove-Item -Recurse -Force $d; exit $code").toString();
    }

    @Override
    public String pollPrompt(String runId, List<PromptLaunch.WatchedFolder> watched) {
        StringBuilder c = new StringBuilder("$d = ").append(runDir(runId)).append("; if (-not (Test-Path $d)) { 'state=gone'; exit 0 }; ")
                .append("foreach ($n in 'out', 'err') { $f = Get-Item -LiteralPath (Join-Path $d $n) -ErrorAction SilentlyContinue; ")
                .append("\"$n=$(if ($f) { $f.Length } else { 0 })\" }; ")
                .append("$pidFile = Join-Path $d 'pid'; if (-not (Test-Path $pidFile)) { 'alive=starting' } ")
                .append("elseif (Get-Process -Id ([int](Get-Content -LiteralPath $pidFile -First 1)) -ErrorAction SilentlyContinue) { 'alive=yes' } ")
                .append("else { 'alive=no' }; ")
                .append("$mark = (Get-Item -LiteralPath (Join-Path $d 'mark')).LastWriteTimeUtc; $now = [DateTime]::UtcNow; ")
                .append("foreach ($w in @(");
        for (int i = 0; i < watched.size(); i++) {
            c.append(i == 0 ? "" : ", ").append(home(watched.get(i).homeRelativePath()));
        }
        // Test-Path first: Get-ChildItem on a missing folder can hang on some PowerShell versions.
        return c.append(")) { if ((Test-Path -LiteralPath $w) -and (Get-ChildItem -LiteralPath $w -Recurse -File -ErrorAction SilentlyContinue | ")
                .append("Where-Object { $_.LastWriteTimeUtc -gt $mark } | Select-Object -First 1)) { 'transcript=changed'; break } }; ")
                .append("(Get-Item -LiteralPath (Join-Path $d 'mark')).LastWriteTimeUtc = $now").toString();
    }

    @Override
    public String stopPrompts(String memberId, String runId, String reason) {
        if (!reason.matches("[a-z_]{1,32}")) {
            throw new IllegalArgumentException("reason must be a lower-case word");
        }
        return "$r = Join-Path $env:USERPROFILE '.fleet-prompts'; if (-not (Test-Path $r)) { exit 0 }; "
                + "foreach ($d in Get-ChildItem -LiteralPath $r -Directory) { $m = Join-Path $d.FullName 'member'; "
                + "if (-not (Test-Path $m) -or (Get-Content -LiteralPath $m -First 1) -ne " + powershell(memberId) + ") { continue }; "
                + (runId == null ? "" : "if ($d.Name -ne " + powershell(runId) + ") { continue }; ")
                + "$e = Join-Path $d.FullName 'ended-by'; $pidFile = Join-Path $d.FullName 'pid'; "
                + "if (-not (Test-Path $pidFile)) { if (-not (Test-Path $e)) { Set-Content -LiteralPath $e -Value '" + reason
                + "' -Encoding ascii }; \"pending $($d.Name)\"; continue }; "
                // A run whose CLI already ended is left alone: it is finishing, not running.
                + "$p = [int](Get-Content -LiteralPath $pidFile -First 1); if (-not (Get-Process -Id $p -ErrorAction SilentlyContinue)) { continue }; "
                + "if (-not (Test-Path $e)) { Set-Content -LiteralPath $e -Value '" + reason + "' -Encoding ascii }; "
                // /T takes the whole tree; Windows console programs get no polite signal from outside, hence /F.
                + "taskkill /F /T /PID $p 2>&1 | Out-Null; \"stopped $p\" }";
    }
}
