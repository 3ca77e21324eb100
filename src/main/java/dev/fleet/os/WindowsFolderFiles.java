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

    private static String path(String folder, String relative) {
        return powershell(folder + "\\" + relative.replace('/', '\\'));
    }

    @Override
    public String read(String folder, String relative) {
        return "$f = " + path(folder, relative) + "; if (-not (Test-Path -LiteralPath $f -PathType Leaf)) { exit " + MISSING + " }; "
                + "[Console]::Out.Write([IO.File]::ReadAllText($f))";
    }

    @Override
    public String write(String folder, String relative) {
        return "$f = " + path(folder, relative) + "; try { New-Item -ItemType Directory -Force -Path (Split-Path -Parent $f) | Out-Null; "
                + "[IO.File]::WriteAllText(\"$f.fleet-tmp\", [Console]::In.ReadToEnd()); Move-Item -Force \"$f.fleet-tmp\" $f "
                + "} catch { [Console]::Error.WriteLine($_.Exception.Message); exit 4 }";
    }
}
