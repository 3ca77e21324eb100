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
        // The list of names is fleet's own file: a link in its place is refused before anything changes.
        return WindowsLinks.FUNCTIONS + "$vf = " + VARIABLES_FILE + "; " + WindowsLinks.refuseLink("$vf", "~/.fleet-variables", 1)
                + "$k = [Console]::In.ReadToEnd().Trim(); if ($k -notmatch '^[A-Za-z0-9_-]+$') { [Console]::Error.WriteLine('fleet: malformed key'); exit 2 }; "
                + "[Environment]::SetEnvironmentVariable(" + powershell(variable) + ", $k, 'User'); "
                + "if (-not (Test-Path -LiteralPath $vf) -or -not (Select-String -Quiet -SimpleMatch -LiteralPath $vf"
                + " -Pattern " + powershell(variable) + ")) { Add-Content -LiteralPath $vf -Value " + powershell(variable) + " }";
    }

    @Override
    public String installHomeFile(HomeFile file) {
        // As on POSIX members: the secret goes into a copy created new beside the file, after whatever
        // held the copy's name (a link, a junction, a link leading nowhere) is removed, and the copy
        // then takes the file's name, so neither a link there nor one at the file's own name is written
        // through. The marker is kept when it is a plain file, else made anew the same way.
        return WindowsLinks.FUNCTIONS + "$f = " + home(file.path()) + "; $t = \"$f.fleet-tmp\"; $m = " + home(file.marker()) + "; "
                + "try { New-Item -ItemType Directory -Force -Path (Split-Path -Parent $f) -ErrorAction Stop | Out-Null; "
                + "New-FleetFile $t ([Text.Encoding]::UTF8.GetBytes([Console]::In.ReadToEnd())); "
                + "Clear-FleetName $f; [IO.File]::Move($t, $f); "
                + "if (-not [IO.File]::Exists($m) -or (Test-FleetLink $m)) { New-FleetFile $m ([byte[]]@()) } "
                + "} catch { [Console]::Error.WriteLine(\"fleet: cannot write $f`: $($_.Exception.Message)\"); "
                + "try { Clear-FleetName $t } catch { }; exit 1 }";
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
        // The runs' folder is fleet's own: one that is a link or junction was planted and is not
        // followed. The run's folder is made new (no -Force: any name already there fails).
        StringBuilder c = new StringBuilder(WindowsLinks.FUNCTIONS).append("$ErrorActionPreference = 'Stop'; ")
                .append("$r = Join-Path $env:USERPROFILE '.fleet-prompts'; ").append(WindowsLinks.refuseLink("$r", "~/.fleet-prompts", 70))
                .append("$d = ").append(runDir(l.runId())).append("; ")
                .append("New-Item -ItemType Directory -Force -Path $r | Out-Null; New-Item -ItemType Directory -Path $d | Out-Null; ")
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
                .append("); Remove-FleetTree $d; exit 127 }; ")
                .append("$env:FLEET_PROMPT_RUN = '").append(l.runId()).append("'; ");
        String input = "(Join-Path $d 'prompt')";
        if (file) {
            // New-Item without -Force fails on any name already there: the copy goes into a folder made now.
            // The folder is named in full: .NET's calls below resolve a relative name against the
            // process's folder, which Set-Location into the work folder does not change.
            c.append("$pf = Join-Path (Get-Location).ProviderPath ").append(powershell(l.promptFolder())).append("; ")
                    .append("New-Item -ItemType Directory -Path $pf | Out-Null; ")
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
            // Links in the folder, or in its place, are removed as links, never followed.
            c.append("try { Remove-FleetTree $pf } catch { }; ");
        }
        return c.append("if (Test-Path (Join-Path $d 'out')) { [Console]::Out.Write([IO.File]::ReadAllText((Join-Path $d 'out'))) }; ")
                .append("if (Test-Path (Join-Path $d 'err')) { [Console]::Error.Write([IO.File]::ReadAllText((Join-Path $d 'err'))) }; ")
                .append("if (Test-Path (Join-Path $d 'ended-by')) { [Console]::Error.WriteLine(\"`n").append(ENDED_BY_MARK)
                .append("\" + (Get-Content -LiteralPath (Join-Path $d 'ended-by') -First 1)) }; ")
                .append("try { Remove-FleetTree $d } catch { }; exit $code").toString();
    }

    @Override
    public String pollPrompt(String runId, List<PromptLaunch.WatchedFolder> watched) {
        StringBuilder c = new StringBuilder(WindowsLinks.FUNCTIONS).append("$d = ").append(runDir(runId))
                .append("; if (-not (Test-Path $d)) { 'state=gone'; exit 0 }; ")
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
                // Setting a time writes through a link: a run folder or mark put in as one is not touched.
                .append("$m = Join-Path $d 'mark'; if (-not (Test-FleetLink $d) -and -not (Test-FleetLink $m)) { ")
                .append("(Get-Item -LiteralPath $m).LastWriteTimeUtc = $now }").toString();
    }

    @Override
    public String stopPrompts(String memberId, String runId, String reason) {
        if (!reason.matches("[a-z_]{1,32}")) {
            throw new IllegalArgumentException("reason must be a lower-case word");
        }
        // A linked runs' folder, or a link among the run folders, is no run of fleet's: left alone.
        // The reason is written into a file made new, never through a link at its name.
        String mark = "New-FleetFile $e ([Text.Encoding]::ASCII.GetBytes(\"" + reason + "`r`n\"))";
        return WindowsLinks.FUNCTIONS + "$r = Join-Path $env:USERPROFILE '.fleet-prompts'; "
                + "if (-not (Test-Path $r) -or (Test-FleetLink $r)) { exit 0 }; "
                + "foreach ($d in Get-ChildItem -LiteralPath $r -Directory) { if (Test-FleetLink $d.FullName) { continue }; "
                + "$m = Join-Path $d.FullName 'member'; "
                + "if (-not (Test-Path $m) -or (Get-Content -LiteralPath $m -First 1) -ne " + powershell(memberId) + ") { continue }; "
                + (runId == null ? "" : "if ($d.Name -ne " + powershell(runId) + ") { continue }; ")
                + "$e = Join-Path $d.FullName 'ended-by'; $pidFile = Join-Path $d.FullName 'pid'; "
                + "$needed = -not [IO.File]::Exists($e) -or (Test-FleetLink $e); "
                + "if (-not (Test-Path $pidFile)) { if ($needed) { " + mark + " }; \"pending $($d.Name)\"; continue }; "
                // A run whose CLI already ended is left alone: it is finishing, not running.
                + "$p = [int](Get-Content -LiteralPath $pidFile -First 1); if (-not (Get-Process -Id $p -ErrorAction SilentlyContinue)) { continue }; "
                + "if ($needed) { " + mark + " }; "
                // /T takes the whole tree; Windows console programs get no polite signal from outside, hence /F.
                + "taskkill /F /T /PID $p 2>&1 | Out-Null; \"stopped $p\" }";
    }
}
