package dev.fleet.permissions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.base.Progress;
import dev.fleet.cloud.CloudGate;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.os.FolderFileCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A member's agent permissions, written to the permission file its agent CLI reads in its work
 * folder (Claude Code: {@code .claude/settings.local.json}; the others: {@link AgentPermissionFile}). Proactively: the role's base profile, the
 * profiles of the stacks found in the work folder, and everything the project's ledger granted.
 * Reactively (mid-sprint): single grants added to what the member has, recorded in the ledger,
 * except the ones only the user may give. A cloud member is brought up first; the project folder
 * (the ledger's) is on this machine, where {@code ~} is the PM's home.
 */
public final class PermissionComposer {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    static final String DEFAULT_REASON = "granted mid-sprint";

    private final CloudGate gate;
    private final Channels channels;
    private final ProfileLibrary profiles;
    private final LocalPaths localPaths;
    private final ObjectMapper mapper;
    private final Clock clock;

    public PermissionComposer(CloudGate gate, Channels channels, ProfileLibrary profiles, LocalPaths localPaths, ObjectMapper mapper,
                              Clock clock) {
        this.gate = gate;
        this.channels = channels;
        this.profiles = profiles;
        this.localPaths = localPaths;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** A composition: the member as reached, the stacks found, the allow list written, and how many of its entries came from the ledger. */
    public record Composed(Member member, List<String> stacks, List<String> allow, int ledgerGrants, String settingsFile,
                           Path ledgerFile) {
    }

    /** A grant: the member as reached, the permissions added (the requested ones and what they bring along). */
    public record Granted(Member member, List<String> permissions, String settingsFile, Path ledgerFile) {
    }

    /**
     * Writes the member's allow list for {@code role}.
     *
     * @param projectFolder the folder of the project's ledger on this machine; null: no ledger
     * @throws PermissionException when the work folder or the settings file cannot be used
     * @throws ChannelException    when the member cannot be reached
     */
    public Composed compose(Member member, Role role, String projectFolder, Progress progress) throws Exception {
        Path ledgerFolder = ledgerFolder(projectFolder);
        return gate.run(member, progress, m -> compose(m, channels.forMember(m), role, ledgerFolder));
    }

    /**
     * Adds {@code requested} (and what each brings along) to the member's allow list, unless one
     * of them is never granted automatically.
     *
     * @param projectFolder the folder of the project's ledger on this machine; null: no ledger
     * @throws PermissionException for a refused grant, or when the settings file cannot be used
     * @throws ChannelException    when the member cannot be reached
     */
    public Granted grant(Member member, List<String> requested, String reason, String projectFolder, Progress progress)
            throws Exception {
        List<String> refused = GrantRules.refused(requested);
        if (!refused.isEmpty()) {
            throw new PermissionException("Cannot auto-grant dangerous permissions: " + String.join(", ", refused)
                    + ". Escalate to user.");
        }
        Path ledgerFolder = ledgerFolder(projectFolder);
        return gate.run(member, progress, m -> grant(m, channels.forMember(m), requested, reason, ledgerFolder));
    }

    private Path ledgerFolder(String projectFolder) {
        return projectFolder == null ? null : localPaths.absolute(projectFolder, "project_folder");
    }

    private Composed compose(Member m, MemberChannel channel, Role role, Path projectFolder)
            throws PermissionException, ChannelException {
        AgentPermissionFile file = fileOf(m);
        List<Stack> stacks = detect(m, channel);
        List<String> stackNames = stacks.stream().map(Stack::json).toList();
        PermissionLedger ledger = projectFolder == null ? null : PermissionLedger.load(projectFolder, mapper);
        List<String> granted = ledger == null ? List.of() : ledger.grantedPermissions();
        Set<String> allow = new LinkedHashSet<>(profiles.base(role));
        for (Stack s : stacks) {
            allow.addAll(profiles.forStack(s, role));
        }
        allow.addAll(granted);
        String text = file.compose(readSettings(m, channel, file), List.copyOf(allow), settingsPath(m, file));
        if (ledger != null) {
            ledger.setStacks(stackNames);
            ledger.save();
        }
        writeSettings(m, channel, file, text);
        return new Composed(m, stackNames, List.copyOf(allow), granted.size(), settingsPath(m, file), ledger == null ? null : ledger.file());
    }

    private Granted grant(Member m, MemberChannel channel, List<String> requested, String reason, Path projectFolder)
            throws PermissionException, ChannelException {
        AgentPermissionFile file = fileOf(m);
        List<String> expanded = GrantRules.expand(requested);
        PermissionLedger ledger = projectFolder == null ? null : PermissionLedger.load(projectFolder, mapper);
        writeSettings(m, channel, file, file.grant(readSettings(m, channel, file), expanded, settingsPath(m, file)));
        if (ledger != null) {
            String date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
            String why = reason == null || reason.isBlank() ? DEFAULT_REASON : reason;
            expanded.forEach(p -> ledger.grant(p, why, date));
            ledger.save();
        }
        return new Granted(m, expanded, settingsPath(m, file), ledger == null ? null : ledger.file());
    }

    /** The folder file commands for the OS the channel reaches. */
    private static FolderFileCommands files(MemberChannel channel) {
        return FolderFileCommands.forOs(channel.os().os());
    }

    /** Marker files at the top of the work folder (not the home folder: that is where other projects live). */
    private List<Stack> detect(Member m, MemberChannel channel) throws PermissionException, ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(
                files(channel).existing(m.workFolder(), Stack.allMarkers(), Stack.allGlobs()), COMMAND_TIMEOUT));
        if (!r.succeeded()) {
            throw new PermissionException(r.exitCode() != null && r.exitCode() == 3
                    ? "The work folder " + m.workFolder() + " of \"" + m.friendlyName() + "\" does not exist"
                    : "Cannot look for project files in " + m.workFolder() + ": " + firstLine(r));
        }
        return Stack.fromFound(r.stdout().lines().map(String::strip).toList());
    }

    /** The permission file of the member's own agent CLI (a command-only member has none). */
    private static AgentPermissionFile fileOf(Member m) throws PermissionException {
        ProviderAdapter cli = MemberAgent.cli(m).orElse(null);
        if (cli == null) {
            throw new PermissionException("\"" + m.friendlyName() + "\" has no agent CLI fleet drives (llm_provider "
                    + MemberAgent.providerName(m) + "); set llm_provider with update_member first");
        }
        return AgentPermissionFile.of(cli);
    }

    /** The file's text; null when there is none. */
    private String readSettings(Member m, MemberChannel channel, AgentPermissionFile file) throws PermissionException, ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(
                files(channel).read(m.workFolder(), file.relativePath()), COMMAND_TIMEOUT));
        if (r.exitCode() != null && r.exitCode() == FolderFileCommands.MISSING) {
            return null;
        }
        if (!r.succeeded() || r.stdoutTruncated()) {
            throw new PermissionException("Cannot read " + settingsPath(m, file) + ": "
                    + (r.stdoutTruncated() ? "it is larger than a settings file should be" : firstLine(r)));
        }
        return r.stdout();
    }

    private void writeSettings(Member m, MemberChannel channel, AgentPermissionFile file, String text)
            throws PermissionException, ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(
                files(channel).write(m.workFolder(), file.relativePath()), COMMAND_TIMEOUT)
                .withStdin(text.getBytes(StandardCharsets.UTF_8)));
        if (!r.succeeded()) {
            throw new PermissionException("Cannot write " + settingsPath(m, file) + ": " + firstLine(r));
        }
    }

    private static String settingsPath(Member m, AgentPermissionFile file) {
        return m.workFolder() + "/" + file.relativePath();
    }

    private static String firstLine(CommandResult r) {
        if (r.timedOut()) {
            return "the member did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s";
        }
        return r.stderr().strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + r.exitCode());
    }
}
