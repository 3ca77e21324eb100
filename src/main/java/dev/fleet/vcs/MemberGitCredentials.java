package dev.fleet.vcs;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.GitCredentialCommands;
import dev.fleet.security.SecretsOnMembers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fleet's git credential helper on one member: install, remove, and ask git whether it answers. */
final class MemberGitCredentials {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final Channels channels;
    private final SecretsOnMembers deployed;

    MemberGitCredentials(Channels channels, SecretsOnMembers deployed) {
        this.channels = channels;
        this.deployed = deployed;
    }

    /** The helper's shell text for the OS the channel reaches. */
    private static GitCredentialCommands commands(MemberChannel channel) {
        return GitCredentialCommands.forOs(channel.os().os());
    }

    /** The secret travels on standard input, never on a command line. */
    void install(Member m, String host, String username, String secret) throws VcsException, ChannelException {
        // Known from before it is on the member: whatever prints it from now on has it starred.
        deployed.deployed(m.id(), secret);
        byte[] stdin = (username + "\n" + secret + "\n").getBytes(StandardCharsets.UTF_8);
        MemberChannel channel = channels.forMember(m);
        CommandResult r = channel.exec(CommandRequest.probe(commands(channel).install(host), COMMAND_TIMEOUT).withStdin(stdin));
        if (!r.succeeded()) {
            throw new VcsException(failure(r, "the credential helper could not be installed"));
        }
    }

    /** True when the helper is gone for good; false when it stays for the member's other hosts. */
    boolean remove(Member m, String host) throws VcsException, ChannelException {
        MemberChannel channel = channels.forMember(m);
        CommandResult r = channel.exec(CommandRequest.probe(commands(channel).remove(host), COMMAND_TIMEOUT));
        if (!r.succeeded()) {
            throw new VcsException(failure(r, "the credential could not be removed"));
        }
        return r.stdout().contains("fleet-git:removed");
    }

    /** Whether git, run in the member's work folder, gets exactly {@code secret} for the host. Nothing of the answer leaves here. */
    boolean answers(Member m, String host, String secret) throws ChannelException {
        MemberChannel channel = channels.forMember(m);
        CommandResult r = channel.exec(new CommandRequest(commands(channel).fill(host), m.workFolder(), COMMAND_TIMEOUT,
                CommandRequest.DEFAULT_OUTPUT_CAP));
        return r.stdout().lines().anyMatch(line -> line.equals("password=" + secret));
    }

    boolean reaches(Member m, String url) throws ChannelException {
        MemberChannel channel = channels.forMember(m);
        return channel.exec(new CommandRequest(commands(channel).lsRemote(url), m.workFolder(), COMMAND_TIMEOUT,
                CommandRequest.DEFAULT_OUTPUT_CAP)).succeeded();
    }

    private static String failure(CommandResult r, String what) {
        if (r.timedOut()) {
            return what + ": the member did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s";
        }
        String line = r.stderr().strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + r.exitCode());
        return what + ": " + line;
    }
}
