package dev.fleet.cli;

import dev.fleet.base.Quoted;
import dev.fleet.install.ClaudeCodeWiring;
import dev.fleet.install.InstallScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "uninstall", description = "Take back exactly what fleet install added to Claude Code (server registration, "
        + "skill files, hook, status line, permissions); your own settings stay. Fleet's data folder is left alone.")
final class UninstallCommand implements Callable<Integer> {
    @Option(names = "--dry-run", description = "Show every change and make none.")
    boolean dryRun;

    @Option(names = "--scope", paramLabel = "user|project", defaultValue = "user", converter = InstallCommand.ScopeConverter.class,
            description = "The scope given to fleet install (default user).")
    InstallScope scope;

    @Override
    public Integer call() throws Exception {
        ClaudeCodeWiring.Report report;
        try {
            report = InstallCommand.wiring(scope).uninstall(dryRun);
        } catch (IOException | IllegalStateException | UncheckedIOException e) {
            return InstallCommand.failed("uninstall", e);
        }
        InstallCommand.print(report, dryRun, "uninstall", System.out);
        // Files of the user's that fleet leaves are worth a look even when stdout is not read.
        report.kept().forEach(k -> System.err.println("fleet uninstall: " + Quoted.inert(k)));
        return 0;
    }
}
