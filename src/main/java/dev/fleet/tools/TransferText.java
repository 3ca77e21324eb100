package dev.fleet.tools;

import dev.fleet.transfer.FileTransfers;
import dev.fleet.transfer.SkipUnchanged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How send_files and receive_files report their files. */
final class TransferText {
    private TransferText() {
    }

    /** Shared by send_files and receive_files. */
    static final Param SKIP_UNCHANGED = Param.oneOf("skip_unchanged", "Leave alone files whose destination already "
            + "holds the same file. size_and_mtime (default): same size and modification time (whole seconds); "
            + "checksum: same size and SHA-256, computed on both ends (for files edited within a second; reads every "
            + "candidate once; Linux and macOS members); never: transfer every file. Transferred files keep their "
            + "source's modification time, so the next transfer of unchanged files moves nothing.",
            SkipUnchanged.params().toArray(String[]::new)).withDefault(SkipUnchanged.DEFAULT.param());

    /**
     * A file name (or a message quoting one) on one line of the text, shown as it is: names come
     * from the member and are untrusted. A newline or carriage return in one would let it write
     * lines of its own ("ok ..." for a file that failed), and an invisible format character would
     * make the line read otherwise than it is: after a right-to-left override (U+202E) the rest
     * of a name reads backwards, so a name ending in "gpj.exe" looks like one ending in "exe.jpg".
     * So control characters (C0 and C1), line and paragraph separators and every format character
     * (bidi marks, embeddings, overrides and isolates, zero-width characters) are shown escaped;
     * the structured result keeps the names as they are.
     */
    static String oneLine(Object value) {
        String v = String.valueOf(value);
        StringBuilder b = new StringBuilder(v.length());
        v.codePoints().forEach(c -> {
            if (c == '\n') {
                b.append("\\n");
            } else if (hidesOrMoves(c)) {
                b.append(c > 0xFFFF ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** A character that is not shown as itself: it breaks the line, is invisible, or reorders what follows. */
    private static boolean hidesOrMoves(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
    }

    /** {@code verb}: "Sent" or "Received". The call is an error when the report says it failed as a whole. */
    static ToolResult result(String verb, FileTransfers.Report report) {
        int ok = report.succeeded();
        int tried = report.files().size();
        long bytes = report.bytes();
        List<Map<String, Object>> files = new ArrayList<>();
        for (FileTransfers.FileResult r : report.files()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("from", r.from());
            if (r.ok()) {
                f.put("to", r.to());
                f.put("ok", true);
                f.put("bytes", r.bytes());
            } else {
                f.put("ok", false);
                f.put("error", r.error());
            }
            files.add(f);
        }
        StringBuilder t = new StringBuilder(verb).append(' ').append(ok).append(" of ").append(tried)
                .append(" file").append(tried == 1 ? "" : "s").append(" (").append(bytes).append(" bytes)")
                .append(verb.equals("Sent") ? " to " : " from ").append(report.member().friendlyName());
        if (report.skipped() > 0) {
            t.append("; ").append(report.skipped()).append(" unchanged file").append(report.skipped() == 1 ? "" : "s")
                    .append(" skipped");
        }
        t.append('\n');
        for (Map<String, Object> f : files) {
            if (Boolean.TRUE.equals(f.get("ok"))) {
                t.append("  ok      ").append(oneLine(f.get("from"))).append(" -> ").append(oneLine(f.get("to")))
                        .append(" (").append(f.get("bytes")).append(" bytes)\n");
            } else {
                t.append("  FAILED  ").append(oneLine(f.get("from"))).append(": ").append(oneLine(f.get("error"))).append('\n');
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("succeeded", ok);
        data.put("failed", report.failed());
        data.put("bytes", bytes);
        data.put("skipped", report.skipped());
        data.put("files", files);
        return new ToolResult(t.toString().stripTrailing(), data, report.allFailed());
    }
}
