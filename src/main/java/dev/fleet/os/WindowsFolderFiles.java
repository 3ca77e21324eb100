package dev.fleet.os;

import static dev.fleet.security.ShellQuote.powershell;

import java.util.List;

final class WindowsFolderFiles implements FolderFileCommands {
    @Override
    public String existing(String folder, List<String> names, List<String> globs) {
        StringBuilder c = new StringBuilder("if (-not (Test-Path -LiteralPath ").append(powershell(folder))
                .append(" -PathType Container)) { [Console]::Error.WriteLine('fleet: work folder does not exist'); exit 3 }; ")
                .append("Set-Location -LiteralPath ").append(powershell(folder)).append("; foreach ($n in @(");
        for (int i = 0; i < names.size(); i++) {
            c.append(i == 0 ? "" : ", ").append(powershell(names.get(i)));
        }
        c.append(")) { if (Test-Path -LiteralPath $n) { $n } }; ");
        for (String g : globs) {
            PosixFolderFiles.requireSimpleGlob(g);
            c.append("if (Get-ChildItem -Filter ").append(powershell(g)).append(" -File -ErrorAction SilentlyContinue) { ")
                    .append(powershell(g)).append(" }; ");
        }
        return c.append("exit 0").toString();
    }

    @Override
    public String read(String folder, String relative) {
        return inFolder(folder, relative, false) + "if (-not (Test-Path -LiteralPath $f -PathType Leaf)) { exit " + MISSING + " }; "
                + "[Console]::Out.Write([IO.File]::ReadAllText($f))";
    }

    @Override
    public String write(String folder, String relative) {
        // A new file under a random name, then moved over the target: a reader never sees half of it.
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        return "try { " + inFolder(folder, relative, true) + "$t = Join-Path $d ('." + name + ".fleet-' + [IO.Path]::GetRandomFileName()); "
                + "[IO.File]::WriteAllText($t, [Console]::In.ReadToEnd()); Move-Item -Force -LiteralPath $t -Destination $f "
                + "} catch { [Console]::Error.WriteLine($_.Exception.Message); exit 4 }";
    }

    /**
     * As on POSIX members (see {@link PosixFolderFiles}), more strictly: Windows PowerShell 5 has
     * no plain way to resolve a path's links, so any link or junction on the way, or as the file,
     * is refused (exit {@value #OUTSIDE}).
     */
    private static String inFolder(String folder, String relative, boolean create) {
        String[] parts = relative.split("/");
        StringBuilder c = new StringBuilder("if (-not (Test-Path -LiteralPath ").append(powershell(folder))
                .append(" -PathType Container)) { [Console]::Error.WriteLine('fleet: work folder does not exist'); exit 3 }; $d = ")
                .append(powershell(folder)).append("; ");
        for (int i = 0; i < parts.length; i++) {
            boolean file = i == parts.length - 1;
            c.append("$p = Join-Path $d ").append(powershell(parts[i])).append("; if (Test-Path -LiteralPath $p) { ")
                    .append("if ((Get-Item -Force -LiteralPath $p).Attributes -band [IO.FileAttributes]::ReparsePoint) { ")
                    .append("[Console]::Error.WriteLine(").append(powershell("fleet: " + String.join("/", java.util.Arrays.copyOf(parts, i + 1))
                            + " in the work folder is a link; fleet reads and writes nothing through it")).append("); exit ").append(OUTSIDE)
                    .append(" } }");
            if (!file) {
                c.append(create ? " else { New-Item -ItemType Directory -Path $p | Out-Null }" : " else { exit " + MISSING + " }")
                        .append("; $d = $p; ");
            } else {
                c.append("; $f = $p; ");
            }
        }
        return c.toString();
    }
}
