package dev.fleet.tools;

import dev.fleet.member.MemberRules;
import dev.fleet.transfer.FileTransfers;
import dev.fleet.transfer.SkipUnchanged;

/** receive_files: copies files and folders from a member's work folder to this machine. */
public final class ReceiveFiles implements Tool {
    private final MemberTarget target;
    private final FileTransfers transfers;

    public ReceiveFiles(MemberTarget target, FileTransfers transfers) {
        this.target = target;
        this.transfers = transfers;
    }

    @Override
    public String name() {
        return "receive_files";
    }

    @Override
    public String description() {
        return "Download files from a member's work folder to a folder on this machine. remote_paths are relative "
                + "to the work folder; a folder comes back recursively under its own name, a file under its name. "
                + "Paths outside the work folder are refused. Each file gets its own result. Files already in local_dest and "
                + "unchanged are skipped (skip_unchanged).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.stringList("remote_paths", "Files or folders relative to the member's work folder.").required(),
                Param.string("local_dest", "Absolute folder on this machine to put them in (created if missing).")
                        .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE).required(),
                TransferText.SKIP_UNCHANGED);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (in.stringList("remote_paths").isEmpty()) {
            throw new InvalidInputException("remote_paths", "must name at least one file or folder");
        }
        return TransferText.result("Received",
                transfers.receive(target.work(in), in.stringList("remote_paths"), in.string("local_dest"),
                        SkipUnchanged.fromParam(in.string("skip_unchanged")), call));
    }
}
