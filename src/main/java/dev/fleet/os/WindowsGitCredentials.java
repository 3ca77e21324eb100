package dev.fleet.os;

import static dev.fleet.security.ShellQuote.powershell;

/**
 * The credential helper on Windows. Git for Windows runs {@code !} helpers with its own sh, so
 * the helper is the same POSIX script; the commands that install it are PowerShell, and the
 * folder is restricted to the user with icacls instead of file modes.
 */
final class WindowsGitCredentials implements GitCredentialCommands {
    private static final String DIR = "$d = Join-Path $env:USERPROFILE '.fleet-git'; $h = Join-Path $d 'hosts'; ";
    /** As on POSIX members: a linked {@code ~/.fleet-git} or {@code hosts} was planted; nothing is written or removed through it. */
    private static final String NO_LINKED_DIR = WindowsLinks.FUNCTIONS + WindowsLinks.refuseLink("$d", "~/.fleet-git", 4)
            + WindowsLinks.refuseLink("$h", "~/.fleet-git/hosts", 4);
    /**
     * Windows PowerShell 5.1 drops an empty argument on its way to a native program; {@code '""'}
     * reaches git as an empty string there. PowerShell 7.3+ passes {@code ''} as it is.
     */
    private static final String EMPTY_ARG = "$empty = if ($PSVersionTable.PSVersion.Major -ge 7 -and "
            + "$PSNativeCommandArgumentPassing -ne 'Legacy') { '' } else { '\"\"' }; ";

    @Override
    public String install(String host) {
        return "if (-not (Get-Command git -ErrorAction SilentlyContinue)) { [Console]::Error.WriteLine('fleet: git is not installed on the member'); exit 3 }; "
                + DIR + NO_LINKED_DIR + EMPTY_ARG
                // Each file is written into a copy created new (whatever held its name removed first) and
                // then takes the file's name: no link planted at either name is written through.
                + "try { New-Item -ItemType Directory -Force -Path $h -ErrorAction Stop | Out-Null; "
                + "icacls $d /inheritance:r /grant:r \"$($env:USERNAME):(OI)(CI)F\" | Out-Null; "
                + "$helper = @'\n" + PosixGitCredentials.HELPER + "'@\n"
                + "$t = Join-Path $d 'helper.tmp'; New-FleetFile $t ([Text.Encoding]::UTF8.GetBytes($helper.Replace(\"`r`n\", \"`n\"))); "
                + "$hp = Join-Path $d 'helper'; Clear-FleetName $hp; [IO.File]::Move($t, $hp); "
                + "$prev = Join-Path $d 'previous-helpers'; "
                + "if (-not [IO.File]::Exists($prev) -or (Test-FleetLink $prev)) { $old = @(git config --global --get-all credential.helper 2>$null) | "
                + "Where-Object { $_ -notmatch 'fleet-git/helper' }; "
                + "New-FleetFile $prev ([Text.Encoding]::UTF8.GetBytes((($old | ForEach-Object { \"$_`n\" }) -join ''))) }; "
                + "$f = Join-Path $h " + powershell(host) + "; "
                + "New-FleetFile \"$f.tmp\" ([Text.Encoding]::UTF8.GetBytes([Console]::In.ReadToEnd())); Clear-FleetName $f; "
                + "[IO.File]::Move(\"$f.tmp\", $f) "
                + "} catch { [Console]::Error.WriteLine(\"fleet: cannot store the credential: $($_.Exception.Message)\"); exit 4 }; "
                + "$cur = @(git config --global --get-all credential.helper 2>$null) -join '|'; "
                + "if ($cur -ne ('|' + " + powershell(GitCredentialCommands.HELPER_CONFIG_VALUE) + ")) { "
                + "git config --global --unset-all credential.helper 2>$null; "
                + "git config --global --add credential.helper $empty; "
                + "git config --global --add credential.helper " + powershell(GitCredentialCommands.HELPER_CONFIG_VALUE) + "; "
                + "if ($LASTEXITCODE -ne 0) { [Console]::Error.WriteLine('fleet: cannot change the global git config'); exit 5 } }; "
                + "'fleet-git:installed'; exit 0";
    }

    @Override
    public String remove(String host) {
        return DIR + NO_LINKED_DIR + EMPTY_ARG
                + "Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $h " + powershell(host) + "); "
                + "if (Test-Path (Join-Path $h '*')) { 'fleet-git:kept'; exit 0 }; "
                + "$ours = @(git config --global --get-all credential.helper 2>$null) -match 'fleet-git/helper'; "
                + "if ((Test-Path $d) -or $ours) { git config --global --unset-all credential.helper 2>$null; "
                + "$prev = Join-Path $d 'previous-helpers'; "
                + "if (Test-Path $prev) { foreach ($line in [IO.File]::ReadAllLines($prev)) { "
                + "if ($line -eq '') { git config --global --add credential.helper $empty } "
                + "else { git config --global --add credential.helper $line } } }; "
                + "try { Remove-FleetTree $d } catch { } }; "
                + "'fleet-git:removed'; exit 0";
    }

    @Override
    public String fill(String host) {
        return "$env:GIT_TERMINAL_PROMPT = '0'; $env:GIT_ASKPASS = ''; "
                + "\"protocol=https`nhost=$(" + powershell(host) + ")`n`n\" | git credential fill 2>$null; exit 0";
    }

    @Override
    public String lsRemote(String url) {
        return "$env:GIT_TERMINAL_PROMPT = '0'; git ls-remote " + powershell(url) + " HEAD | Out-Null; exit $LASTEXITCODE";
    }
}
