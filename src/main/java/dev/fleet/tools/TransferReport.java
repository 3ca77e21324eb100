package dev.fleet.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-file results of send_files and receive_files. */
final class TransferReport {
    private final String verb;
    private final String member;
    private final List<Map<String, Object>> files = new ArrayList<>();
    private int ok;
    private int failed;
    private long bytes;

    TransferReport(String verb, String member) {
        this.verb = verb;
        this.member = member;
    }

    void ok(String from, String to, long size) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("from", from);
        f.put("to", to);
        f.put("ok", true);
        f.put("bytes", size);
        files.add(f);
        ok++;
        bytes += size;
    }

    void failed(String from, String reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("from", from);
        f.put("ok", false);
        f.put("error", reason);
        files.add(f);
        failed++;
    }

    ToolResult result() {
        StringBuilder t = new StringBuilder(verb).append(' ').append(ok).append(" of ").append(ok + failed)
                .append(" file").append(ok + failed == 1 ? "" : "s").append(" (").append(bytes).append(" bytes)")
                .append(verb.equals("Sent") ? " to " : " from ").append(member).append('\n');
        for (Map<String, Object> f : files) {
            if (Boolean.TRUE.equals(f.get("ok"))) {
                t.append("  ok      ").append(f.get("from")).append(" -> ").append(f.get("to"))
                        .append(" (").append(f.get("bytes")).append(" bytes)\n");
            } else {
                t.append("  FAILED  ").append(f.get("from")).append(": ").append(f.get("error")).append('\n');
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("succeeded", ok);
        data.put("failed", failed);
        data.put("bytes", bytes);
        data.put("files", files);
        return new ToolResult(t.toString().stripTrailing(), data, ok == 0 && failed > 0);
    }
}
