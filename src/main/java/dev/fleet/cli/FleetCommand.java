package dev.fleet.cli;

import dev.fleet.Version;
import picocli.CommandLine.Command;

@Command(name = "fleet",
        mixinStandardHelpOptions = true,
        versionProvider = FleetCommand.VersionProvider.class,
        description = "Run work across many machines from one AI coding agent (an MCP server) or from this command line.",
        subcommands = {ServeCommand.class, DaemonCommand.class, InstallCommand.class, UninstallCommand.class, MembersCommand.class,
            StatusCommand.class, ExecCommand.class, SendCommand.class, ReceiveCommand.class, CloudCommand.class, DetailCommand.class, CallCommand.class,
            ForgetHostCommand.class, StatuslineCommand.class, DoctorCommand.class, ImportRegistryCommand.class, HookCommand.class})
final class FleetCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static final class VersionProvider implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fleet " + Version.get()};
        }
    }
}
