package dev.fleet.os;

import static dev.fleet.security.ShellQuote.powershell;

/**
 * PowerShell functions that keep fleet's writes in a Windows member's home off links it did not
 * make: symbolic links, junctions and any other reparse point. The Windows side of what the POSIX
 * scripts do with {@code [ -L ]}, {@code rm -f} and noclobber.
 *
 * <p>Attributes are read with {@code [IO.File]::GetAttributes}, which describes a link itself, not
 * what it leads to, and sees a link that leads nowhere ({@code Test-Path} answers no for one).
 * Creating a file "new" is not enough on Windows: a create through a link that leads nowhere makes
 * the file where the link points. So whatever holds the name is removed first ({@code Directory.Delete}
 * without recursion takes away a junction, never what is in it; on a real folder that is not empty
 * it fails, and so does the write). Windows PowerShell 5.1's {@code Remove-Item -Recurse} may follow
 * a junction inside the folder it removes; {@code Remove-FleetTree} removes links as links.
 *
 * <p>Written for Windows PowerShell 5.1 and PowerShell 7; checked as text here, never run on a
 * Windows host.
 */
final class WindowsLinks {
    private WindowsLinks() {
    }

    /**
     * {@code Test-FleetLink $p}: true for a link, junction or other reparse point, and, failing
     * closed, for a name whose attributes cannot be read; false when nothing is there.
     * {@code Clear-FleetName $p}: removes a file, a link or an empty folder under the name.
     * {@code New-FleetFile $p $bytes}: the name cleared, then a file created new (CreateNew) and written.
     * {@code Remove-FleetTree $p}: a folder and what is in it, links removed as links, never followed.
     */
    static final String FUNCTIONS = "function Test-FleetLink($p) { try { $a = [IO.File]::GetAttributes($p) } "
            + "catch [IO.FileNotFoundException], [IO.DirectoryNotFoundException] { return $false } catch { return $true }; "
            + "return ($a -band [IO.FileAttributes]::ReparsePoint) -ne 0 }; "
            + "function Clear-FleetName($p) { try { $a = [IO.File]::GetAttributes($p) } "
            + "catch [IO.FileNotFoundException], [IO.DirectoryNotFoundException] { return }; "
            + "if (($a -band [IO.FileAttributes]::Directory) -ne 0) { [IO.Directory]::Delete($p) } else { [IO.File]::Delete($p) } }; "
            + "function New-FleetFile($p, [byte[]]$b) { Clear-FleetName $p; "
            + "$s = [IO.File]::Open($p, [IO.FileMode]::CreateNew, [IO.FileAccess]::Write, [IO.FileShare]::None); "
            + "try { $s.Write($b, 0, $b.Length) } finally { $s.Close() } }; "
            + "function Remove-FleetTree($p) { try { $a = [IO.File]::GetAttributes($p) } catch { return }; "
            + "if (($a -band [IO.FileAttributes]::Directory) -eq 0) { [IO.File]::Delete($p); return }; "
            + "if (($a -band [IO.FileAttributes]::ReparsePoint) -eq 0) { "
            + "foreach ($c in [IO.Directory]::GetFileSystemEntries($p)) { Remove-FleetTree $c } }; [IO.Directory]::Delete($p) }; ";

    /**
     * Ends the script with {@code exit} when the path held in {@code variable} is a link: a folder
     * or file of fleet's own that is one was planted, and nothing is written through it.
     */
    static String refuseLink(String variable, String shownName, int exit) {
        return "if (Test-FleetLink " + variable + ") { [Console]::Error.WriteLine(" + powershell("fleet: " + shownName
                + " is a symbolic link or junction, not what fleet made; nothing is written through it (remove the link and try again)")
                + "); exit " + exit + " }; ";
    }
}
