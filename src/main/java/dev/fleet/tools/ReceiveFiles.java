package dev.fleet.tools;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** receive_files: copies files and folders from a member's work folder to this machine. */
public final class ReceiveFiles implements Tool {
    private final MemberTarget target;
    private final Channels channels;
    private final CloudGate cloud;

    public ReceiveFiles(MemberTarget target, Channels channels, dev.fleet.cloud.CloudLifecycle lifecycle) {
        this.target = target;
        this.channels = channels;
        this.cloud = new CloudGate(lifecycle);
    }

    @Override
    public String name() {
        return "receive_files";
    }

    @Override
    public String description() {
        return "Download files from a member's work folder to a folder on this machine. remote_paths are relative "
                + "to the work folder; a folder comes back recursively under its own name, a file under its name. "
                + "Paths outside the work folder are refused. Each file gets its own result.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.stringList("remote_paths", "Files or folders relative to the member's work folder.").required(),
                Param.string("local_dest", "Absolute folder on this machine to put them in (created if missing).")
                        .matching(RegistrationParams.PATH_REGEX, RegistrationParams.PATH_RULE).required());
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (in.stringList("remote_paths").isEmpty()) {
            throw new InvalidInputException("remote_paths", "must name at least one file or folder");
        }
        return cloud.run(target.use(in), call, member -> transfer(member, in, call));
    }

    private ToolResult transfer(Member member, ToolInput in, ToolCall call) throws ChannelException, IOException {
        List<String> remotes = in.stringList("remote_paths");
        MemberChannel channel = channels.forMember(member);
        MemberOs os = Channels.osOf(member).os();
        Path dest = Path.of(RegistrationParams.expandLocal(in.string("local_dest")));
        Files.createDirectories(dest);
        String root = member.workFolder();
        String realRoot = channel.realPath(root);

        TransferReport report = new TransferReport("Received", member.friendlyName());
        List<String[]> plan = new ArrayList<>();
        for (String rel : remotes) {
            String source = MemberPaths.resolveInside(root, rel, os);
            if (source == null || !MemberPaths.isInside(realRoot, channel.realPath(source))) {
                report.failed(rel, "outside the work folder " + root + "; refused");
                continue;
            }
            List<String> files = channel.listFiles(source);
            if (files.isEmpty()) {
                report.failed(rel, "no such file or folder in the work folder");
                continue;
            }
            String base = MemberPaths.fileName(source);
            for (String f : files) {
                String under = f.equals(source) ? base : base + "/" + f.substring(source.length() + 1).replace('\\', '/');
                plan.add(new String[] {f, under});
            }
        }
        // Sizes are not known before the transfer without a round trip per file; count files instead.
        int done = 0;
        for (String[] p : plan) {
            call.progress(done++, (double) plan.size(), "receiving " + p[1]);
            Path local = dest.resolve(p[1]).normalize();
            try {
                if (!MemberPaths.isInside(realRoot, channel.realPath(p[0]))) {
                    report.failed(p[0], "a link leads outside the work folder; refused");
                    continue;
                }
                channel.download(p[0], local, bytes -> { });
                report.ok(p[0], local.toString(), Files.size(local));
            } catch (IOException | ChannelException e) {
                report.failed(p[0], e.getMessage());
            }
        }
        call.progress(plan.size(), (double) plan.size(), "done");
        return report.result();
    }
}
