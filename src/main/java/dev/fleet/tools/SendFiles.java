package dev.fleet.tools;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** send_files: copies files and folders from this machine into a member's work folder. */
public final class SendFiles implements Tool {
    private final MemberTarget target;
    private final Channels channels;
    private final CloudGate cloud;

    public SendFiles(MemberTarget target, Channels channels, dev.fleet.cloud.CloudLifecycle lifecycle) {
        this.target = target;
        this.channels = channels;
        this.cloud = new CloudGate(lifecycle);
    }

    @Override
    public String name() {
        return "send_files";
    }

    @Override
    public String description() {
        return "Upload files from this machine into a member's work folder (or a subfolder of it). Folders are "
                + "sent recursively, keeping their structure. Each file gets its own result; one failure does not "
                + "stop the others. Destinations outside the work folder are refused. Cost: proportional to size.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.stringList("local_paths", "Absolute paths of files or folders on this machine.")
                        .matching(RegistrationParams.PATH_REGEX, RegistrationParams.PATH_RULE).required(),
                Param.string("remote_subfolder", "Subfolder of the work folder to put them in (relative; created if missing).")
                        .length(1, 4096));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (in.stringList("local_paths").isEmpty()) {
            throw new InvalidInputException("local_paths", "must name at least one file or folder");
        }
        Member chosen = target.use(in);
        String sub = in.string("remote_subfolder");
        if (sub != null && MemberPaths.resolveInside(chosen.workFolder(), sub, Channels.osOf(chosen).os()) == null) {
            throw new InvalidInputException("remote_subfolder", "must stay inside the work folder " + chosen.workFolder()
                    + " (relative, no leading / or ~, no '..' above it)");
        }
        return cloud.run(chosen, call, member -> transfer(member, in, call));
    }

    private ToolResult transfer(Member member, ToolInput in, ToolCall call) throws ChannelException, IOException {
        List<String> locals = in.stringList("local_paths");
        MemberChannel channel = channels.forMember(member);
        String root = member.workFolder();
        String destRoot = root;
        if (in.string("remote_subfolder") != null) {
            // Checked in call(), before any cloud instance is started for it.
            destRoot = MemberPaths.resolveInside(root, in.string("remote_subfolder"), Channels.osOf(member).os());
        }
        String realRoot = channel.realPath(root);

        List<Transfer> plan = new ArrayList<>();
        TransferReport report = new TransferReport("Sent", member.friendlyName());
        for (String local : locals) {
            Path source = Path.of(RegistrationParams.expandLocal(local));
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                        String rel = source.getFileName() + "/" + source.relativize(f).toString().replace('\\', '/');
                        plan.add(new Transfer(f, MemberPaths.resolveInside(destRoot, rel, Channels.osOf(member).os())));
                    }
                } catch (UncheckedIOException e) {
                    report.failed(local, e.getCause().getMessage());
                }
            } else if (Files.isRegularFile(source)) {
                plan.add(new Transfer(source, MemberPaths.resolveInside(destRoot, source.getFileName().toString(),
                        Channels.osOf(member).os())));
            } else {
                report.failed(local, "no such file or folder on this machine");
            }
        }
        long totalBytes = 0;
        for (Transfer t : plan) {
            totalBytes += Files.size(t.source);
        }
        ByteProgress progress = new ByteProgress(call, totalBytes, "sending");
        for (Transfer t : plan) {
            String name = t.source.getFileName().toString();
            long size = Files.size(t.source);
            try {
                if (t.dest == null || !MemberPaths.isInside(realRoot, channel.realPath(t.dest))) {
                    report.failed(t.source.toString(), "destination escapes the work folder; refused");
                } else {
                    channel.upload(t.source, t.dest, progress.file(name));
                    report.ok(t.source.toString(), t.dest, size);
                }
            } catch (IOException | ChannelException e) {
                report.failed(t.source.toString(), e.getMessage());
            }
            progress.fileDone(size, name);
        }
        return report.result();
    }

    private record Transfer(Path source, String dest) {
    }
}
