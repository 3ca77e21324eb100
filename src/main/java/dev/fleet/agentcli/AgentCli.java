package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.AgentShell;
import dev.fleet.os.OsCommands;
import dev.fleet.probe.AgentChecks;
import java.time.Duration;
import java.util.Optional;

/** A member's agent CLI as installed: its version, and the commands that install or update it. */
public final class AgentCli {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

    private AgentCli() {
    }

    /** The version line of the CLI on the member, or empty when it is not installed or does not answer. */
    public static Optional<String> version(MemberChannel channel, ProviderAdapter cli) throws ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(versionCommand(channel.os(), cli), VERSION_TIMEOUT));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        String line = r.stdout().strip().lines().findFirst().orElse("");
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }

    public static String versionCommand(OsCommands os, ProviderAdapter cli) {
        return AgentShell.forOs(os.os()).cli(cli.executable(), cli.versionArgs());
    }

    /** member_detail's questions about the member's CLI (its version, its login); none for a command-only member. */
    public static Optional<AgentChecks.Scripts> checks(Member member, OsCommands os) {
        return MemberAgent.cli(member).map(cli -> new AgentChecks.Scripts(cli.executable(), versionCommand(os, cli),
                AgentShell.forOs(os.os()).authProbe(cli.loginFiles().stream().map(AgentShell.HomeFile::path).toList(),
                        cli.keyVariables())));
    }

    public static String installCommand(OsCommands os, ProviderAdapter cli) {
        return AgentShell.forOs(os.os()).install(cli.installer());
    }

    /** The CLI's own update command, or a reinstall of the latest package where it has none. */
    public static String updateCommand(OsCommands os, ProviderAdapter cli) {
        AgentShell shell = AgentShell.forOs(os.os());
        return cli.selfUpdateArgs().map(args -> shell.cli(cli.executable(), args)).orElseGet(() -> {
            AgentShell.Installer i = cli.installer();
            return shell.install(new AgentShell.Installer(i.npmPackage() == null ? null : i.npmPackage() + "@latest",
                    i.posixScriptUrl(), i.windowsScriptUrl()));
        });
    }

    /** The registration warning for a missing CLI, with how to install it. */
    public static String missingWarning(ProviderAdapter cli) {
        return cli.displayName() + " (" + cli.executable() + ") not found on the member: commands work, prompts will not until "
                + "it is installed. Install it with update_llm_cli and install_if_missing=true, or on the member: " + cli.installHint();
    }
}
