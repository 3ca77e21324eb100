package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PowerShell a Windows member receives never writes through a link or junction planted under
 * one of fleet's own names in the home. No PowerShell here: the text is checked, guard before write.
 */
class WindowsLinksTest {
    private static final String RUN = "0a1b2c3d4e5f60718293a4b5";
    private final AgentShell shell = AgentShell.forOs(MemberOs.WINDOWS);
    private final GitCredentialCommands git = GitCredentialCommands.forOs(MemberOs.WINDOWS);

    /** Asserts that each text occurs in the script, in this order. */
    private static void inOrder(String script, String... texts) {
        int at = -1;
        for (String t : texts) {
            int next = script.indexOf(t, at + 1);
            assertThat(next).as("\"%s\" after position %d in:%n%s", t, at, script).isGreaterThan(at);
            at = next;
        }
    }

    /** The helper functions are defined before the first call of any of them. */
    private static void functionsFirst(String script) {
        int defined = script.indexOf(WindowsLinks.FUNCTIONS);
        assertThat(defined).as(script).isGreaterThanOrEqualTo(0);
        String rest = script.substring(0, defined) + " ".repeat(WindowsLinks.FUNCTIONS.length())
                + script.substring(defined + WindowsLinks.FUNCTIONS.length());
        for (String f : List.of("Test-FleetLink ", "Clear-FleetName ", "New-FleetFile ", "Remove-FleetTree ")) {
            int used = rest.indexOf(f);
            if (used >= 0) {
                assertThat(used).as(f).isGreaterThan(defined);
            }
        }
    }

    @Test
    void theHelpersLookAtTheLinkItselfAndNeverRecurseThroughOne() {
        String f = WindowsLinks.FUNCTIONS;
        // GetAttributes describes a link itself and sees one that leads nowhere; Test-Path does neither.
        assertThat(f).contains("[IO.File]::GetAttributes($p)", "[IO.FileAttributes]::ReparsePoint")
                .doesNotContain("Test-Path", "Remove-Item", "$true)");
        // A name that cannot be examined counts as a link (fail closed); one that is not there does not.
        assertThat(f).contains("catch [IO.FileNotFoundException], [IO.DirectoryNotFoundException] { return $false } catch { return $true }");
        // A new file is created only after the name is cleared, and only as new.
        inOrder(f, "function New-FleetFile", "Clear-FleetName $p", "[IO.FileMode]::CreateNew");
        // Removal descends only into folders that are no reparse point.
        inOrder(f, "function Remove-FleetTree", "ReparsePoint) -eq 0) { foreach ($c in [IO.Directory]::GetFileSystemEntries($p))");
    }

    @Test
    void theLoginFileIsWrittenIntoACopyMadeNewThenRenamedNeverThroughALink() {
        String s = shell.installHomeFile(AgentShell.HomeFile.of(".claude/.credentials.json"));
        functionsFirst(s);
        inOrder(s, "$t = \"$f.fleet-tmp\"", "New-FleetFile $t ([Text.Encoding]::UTF8.GetBytes([Console]::In.ReadToEnd()))",
                "Clear-FleetName $f", "[IO.File]::Move($t, $f)", "Test-FleetLink $m", "New-FleetFile $m");
        // Before: WriteAllText straight onto the file's name (through a link there), and New-Item -Force on the marker.
        assertThat(s).doesNotContain("WriteAllText", "-ItemType File -Force");
        inOrder(s, "try {", "} catch {", "exit 1 }");
    }

    @Test
    void aLinkedVariablesListIsRefusedBeforeAnythingChanges() {
        String s = shell.persistVariable("ANTHROPIC_API_KEY");
        functionsFirst(s);
        inOrder(s, "if (Test-FleetLink $vf) {", "~/.fleet-variables is a symbolic link or junction", "exit 1 }",
                "[Console]::In.ReadToEnd()", "SetEnvironmentVariable(", "Add-Content -LiteralPath $vf");
    }

    @Test
    void aPromptRunRefusesALinkedRunsFolderAndMakesItsOwnFolderNew() {
        for (PromptLaunch l : List.of(
                new PromptLaunch(RUN, "member-1", "codex", List.of("exec"), "CODEX_API_KEY", PromptLaunch.Input.STDIN, null),
                new PromptLaunch(RUN, "member-1", "codex", List.of("exec"), null, PromptLaunch.Input.FILE_IN_FOLDER, ".fleet-prompt"))) {
            String s = shell.launchPrompt(l);
            functionsFirst(s);
            inOrder(s, "$r = Join-Path $env:USERPROFILE '.fleet-prompts'; if (Test-FleetLink $r) {", "exit 70 }",
                    "New-Item -ItemType Directory -Force -Path $r", "New-Item -ItemType Directory -Path $d |",
                    "(Join-Path $d 'member')", "(Join-Path $d 'prompt')");
            // Windows PowerShell 5.1's Remove-Item -Recurse may follow a junction inside what it removes.
            assertThat(s).doesNotContain("Remove-Item").endsWith("try { Remove-FleetTree $d } catch { }; exit $code");
        }
        String file = shell.launchPrompt(
                new PromptLaunch(RUN, "member-1", "codex", List.of("exec"), null, PromptLaunch.Input.FILE_IN_FOLDER, ".fleet-prompt"));
        // The prompt folder in the work folder is named in full for .NET, which ignores Set-Location.
        inOrder(file, "$pf = Join-Path (Get-Location).ProviderPath '.fleet-prompt'", "New-Item -ItemType Directory -Path $pf |",
                "Copy-Item", "Start-Process", "try { Remove-FleetTree $pf } catch { }");
    }

    @Test
    void aStopWritesItsReasonOnlyIntoRunFoldersOfFleetsAndIntoAFileMadeNew() {
        String s = shell.stopPrompts("member-1", RUN, "cancelled");
        functionsFirst(s);
        inOrder(s, "if (-not (Test-Path $r) -or (Test-FleetLink $r)) { exit 0 }",
                "foreach ($d in Get-ChildItem -LiteralPath $r -Directory) { if (Test-FleetLink $d.FullName) { continue }",
                "$needed = -not [IO.File]::Exists($e) -or (Test-FleetLink $e)",
                "New-FleetFile $e ([Text.Encoding]::ASCII.GetBytes(\"cancelled`r`n\"))", "taskkill");
        assertThat(s).doesNotContain("Set-Content");
    }

    @Test
    void aPollSetsTheMarkTimeOnlyWhenNeitherTheRunFolderNorTheMarkIsALink() {
        String s = shell.pollPrompt(RUN, List.of(new PromptLaunch.WatchedFolder(".codex/sessions", 4)));
        functionsFirst(s);
        assertThat(s).endsWith("$m = Join-Path $d 'mark'; if (-not (Test-FleetLink $d) -and -not (Test-FleetLink $m)) { "
                + "(Get-Item -LiteralPath $m).LastWriteTimeUtc = $now }");
    }

    @Test
    void gitCredentialsRefuseALinkedFolderBeforeWritingAndWriteEachFileNew() {
        String install = git.install("github.com");
        functionsFirst(install);
        inOrder(install, "if (Test-FleetLink $d) {", "if (Test-FleetLink $h) {", "exit 4 }", "New-Item -ItemType Directory -Force -Path $h",
                "icacls $d",
                "New-FleetFile $t", "Clear-FleetName $hp", "[IO.File]::Move($t, $hp)",
                "if (-not [IO.File]::Exists($prev) -or (Test-FleetLink $prev))", "New-FleetFile $prev",
                "New-FleetFile \"$f.tmp\" ([Text.Encoding]::UTF8.GetBytes([Console]::In.ReadToEnd()))", "Clear-FleetName $f",
                "[IO.File]::Move(\"$f.tmp\", $f)");
        // Before: WriteAllText onto the names (through a link there), and Move-Item, which moves into a junction at $f.
        assertThat(install).doesNotContain("WriteAllText", "Move-Item");

        String remove = git.remove("github.com");
        functionsFirst(remove);
        inOrder(remove, "if (Test-FleetLink $d) {", "if (Test-FleetLink $h) {", "exit 4 }", "Remove-Item -Force", "Remove-FleetTree $d");
        assertThat(remove).doesNotContain("Remove-Item -Recurse");
    }
}
