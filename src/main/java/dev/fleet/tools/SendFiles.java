package dev.fleet.tools;

import dev.fleet.member.MemberRules;
import dev.fleet.transfer.FileTransfers;
import dev.fleet.transfer.SkipUnchanged;

/** send_files: copies files and folders from this machine into a member's work folder. */
public final class SendFiles implements Tool {
    private final MemberTarget target;
    private final FileTransfers transfers;

    public SendFiles(MemberTarget target, FileTransfers transfers) {
        this.target = target;
        this.transfers = transfers;
    }

    @Override
    public String name() {
        return "send_files";
    }

    @Override
    public String description() {
        return "Upload files from this machine into a member's work folder (or a subfolder of it). Folders are "
                + "sent recursively, keeping their structure. Each file gets its own result; one failure does not "
                + "stop the others. Destinations outside the work folder are refused. Files already on the member and "
                + "unchanged are skipped (skip_unchanged), so sending a folder again sends only what changed. Cost: "
                + "proportional to the size of what is sent.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.stringList("local_paths", "Absolute paths of files or folders on this machine.")
                        .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE).required(),
                Param.string("remote_subfolder", "Subfolder of the work folder to put them in (relative; created if missing).")
                        .length(1, 4096),
                TransferText.SKIP_UNCHANGED);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (in.stringList("local_paths").isEmpty()) {
            throw new InvalidInputException("local_paths", "must name at least one file or folder");
        }
        return TransferText.result("Sent",
                transfers.send(target.work(in), in.stringList("local_paths"), in.string("remote_subfolder"),
                        SkipUnchanged.fromParam(in.string("skip_unchanged")), call));
    }
}
