package dev.fleet.agentcli;

import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.ThisAccount;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.AgentShell;
import dev.fleet.os.OsCommands;
import dev.fleet.security.SecretBox;
import dev.fleet.security.SecretsOnMembers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * provision_auth's service: gives a member's agent CLI a login, whatever the CLI. An API key goes
 * into that CLI's variable: sealed in fleet's registry (delivered on stdin with each prompt) and set
 * for the member's own shells (in its owner-only ~/.apra-fleet-keys, which its profiles source).
 * Without a key, the CLI's login files are copied from this machine where the CLI supports that.
 * Then, where a one-turn prompt is cheap, it proves the login works.
 */
public final class AgentLogin {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(120);

    private final Channels channels;
    private final RegistryStore store;
    private final SecretBox secrets;
    private final PromptRunner runner;
    private final Path pmHome;
    private final Clock clock;
    private final SecretsOnMembers deployed;

    /** @param deployed where the tokens of login files copied to members are kept, for redaction */
    public AgentLogin(Channels channels, RegistryStore store, SecretBox secrets, PromptRunner runner, Path pmHome, Clock clock,
                      SecretsOnMembers deployed) {
        this.deployed = deployed;
        this.channels = channels;
        this.store = store;
        this.secrets = secrets;
        this.runner = runner;
        this.pmHome = pmHome;
        this.clock = clock;
    }

    /**
     * @param how          what was deployed, in words (never a secret)
     * @param warning      something to tell the user, or null
     * @param verification the one-turn prompt's result, or null when it was not run
     * @param unverified   why no prompt was run, or null
     */
    public record Provisioned(Member member, ProviderAdapter cli, String how, String warning, PromptResult verification,
                              String unverified) {
    }

    /** A problem the user must fix; the message is safe to show and says what to do. */
    public static final class LoginProblem extends RequestRefused {
        public LoginProblem(String message) {
            super(message);
        }
    }

    /**
     * @param apiKey use this key instead of this machine's login (null: the login)
     * @throws RequestRefused when the member has no agent CLI, or there is nothing to deploy
     */
    public Provisioned provision(Member member, String apiKey) throws ChannelException {
        try {
            ProviderAdapter cli = MemberAgent.adapter(member);
            return provision(member, channels.forMember(member), cli, apiKey);
        } catch (AgentUnavailable | LoginProblem e) {
            throw new RequestRefused("Cannot provision " + member.friendlyName() + ": " + e.getMessage());
        }
    }

    private Provisioned provision(Member member, MemberChannel channel, ProviderAdapter cli, String apiKey) throws ChannelException {
        String how;
        String warning = null;
        if (apiKey != null) {
            String variable = cli.keyVariableFor(apiKey).orElseThrow(() -> new LoginProblem(cli.displayName()
                    + " takes no API key from fleet. " + cli.authHelp(member.friendlyName())));
            String sealed = secrets.encrypt(apiKey);
            store.update(r -> r.replacing(member.id(), m -> MemberAgent.withApiKey(m, new MemberAgent.StoredKey(variable, sealed))));
            deploy(channel, AgentShell.forOs(channel.os().os()).persistVariable(variable), apiKey.getBytes(StandardCharsets.UTF_8), member);
            how = "API key stored sealed by fleet (sent with each prompt as " + variable + ") and set as " + variable
                    + " for the member's shells (~/.apra-fleet-keys, owner-only, sourced by its profiles)";
        } else if (ThisAccount.is(member, channel, pmHome)) {
            // The member's home is this machine's (a local member, this account reached over SSH by
            // any name, or a shared home): its CLI already uses this login; copying it onto itself
            // would only mark the user's own file as fleet's (and remove_member would then delete it).
            how = (member.isLocal() ? "local member" : "its home is this machine's home (this machine's own account, "
                    + "or a home shared with it)")
                    + ": it uses this machine's own " + cli.displayName() + " login";
        } else {
            Copied copied = copyLogin(member, channel, cli);
            if (copied.files().isEmpty()) {
                throw new LoginProblem(cli.loginFiles().isEmpty()
                        ? cli.displayName() + " keeps its login where fleet cannot copy it. " + cli.authHelp(member.friendlyName())
                        : "no " + cli.displayName() + " login found on this machine (~/" + cli.loginFiles().get(0).path() + "). "
                        + cli.authHelp(member.friendlyName()));
            }
            how = "this machine's " + cli.displayName() + " login copied to ~/" + String.join(", ~/", copied.files()) + " (0600)";
            warning = copied.warning();
        }
        if (!cli.cheapToVerify()) {
            return new Provisioned(member, cli, how, warning, null, "not verified with a prompt: every " + cli.displayName()
                    + " prompt is billed (a premium request); the next execute_prompt shows whether the login works");
        }
        Member current = store.read().byId(member.id()).orElse(member);
        PromptRunner.Run verify = runner.run(current, channel, new PromptRequest("Reply with the single word OK.", false,
                VERIFY_TIMEOUT, Duration.ZERO, 1, null, UnattendedMode.OFF));
        return new Provisioned(current, cli, how, warning, verify.result(), null);
    }

    /** The login files copied (home-relative) and a warning about them, if any. */
    public record Copied(List<String> files, String warning) {
    }

    /**
     * Copies the CLI's login files that exist on this machine to the member (owner-only, marked as
     * fleet's). Claude's login is checked first: an expired one that cannot refresh is refused.
     */
    public Copied copyLogin(Member member, MemberChannel channel, ProviderAdapter cli) throws ChannelException {
        AgentShell shell = AgentShell.forOs(channel.os().os());
        List<String> copied = new ArrayList<>();
        String warning = null;
        for (AgentShell.HomeFile f : cli.loginFiles()) {
            Path local = pmHome.resolve(f.path());
            if (!Files.isRegularFile(local)) {
                continue;
            }
            byte[] content;
            if (cli.provider() == LlmProvider.CLAUDE) {
                AgentCredentials.Loaded creds;
                try {
                    creds = AgentCredentials.load(local, clock);
                } catch (AgentCredentials.CredentialsProblem e) {
                    throw new LoginProblem(e.getMessage());
                }
                content = creds.content();
                warning = creds.warning();
            } else {
                try {
                    content = Files.readAllBytes(local);
                } catch (IOException e) {
                    throw new LoginProblem("cannot read " + local + " (" + e.getClass().getSimpleName() + ")");
                }
            }
            // Known before the copy: the member can print its copy from the moment it lands.
            deployed.loginCopied(member.id(), LoginTokens.in(content));
            deploy(channel, shell.installHomeFile(f), content, member);
            copied.add(f.path());
        }
        return new Copied(copied, warning);
    }

    /**
     * Removes what provision_auth deployed on a member for any CLI (a member may have changed
     * provider since): login files fleet marked as its own, and the variables it persisted.
     */
    public static String removalScript(OsCommands os) {
        List<AgentShell.HomeFile> files = new ArrayList<>();
        for (LlmProvider p : LlmProvider.values()) {
            p.adapter().ifPresent(a -> files.addAll(a.loginFiles()));
        }
        return AgentShell.forOs(os.os()).removeFleetAuth(files);
    }

    private static void deploy(MemberChannel channel, String script, byte[] stdin, Member member) throws ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(script, DEPLOY_TIMEOUT).withStdin(stdin));
        if (!r.succeeded()) {
            throw new LoginProblem("could not store the login on " + member.friendlyName() + ": "
                    + r.stderr().strip().lines().findFirst().orElse("exit " + r.exitCode()));
        }
    }
}
