package dev.fleet.gpu;

import java.time.Duration;

/**
 * Shell text (POSIX sh, Linux and macOS members) that takes one GPU sample, appends it to
 * {@code ~/.fleet/gpu-samples} (the history the on-instance guard appends to every minute) and
 * prints it with the recent history. One command per look: the reading shown to the user and the
 * sample judged by the utilization policy are the same.
 *
 * <p>Output, each section introduced by a line {@code @@gpu:<name>}: {@code none} alone when there
 * is no nvidia-smi; {@code failed <exit>} alone when it failed; otherwise {@code now} (epoch
 * seconds on the member), {@code sample} (this look as a history line), {@code reading} (CSV:
 * utilization %, memory used MiB, memory total MiB, one line per GPU) and {@code history}
 * (sample lines, oldest first, see {@link GpuSample}).
 */
public final class GpuSampler {
    /** History kept on the member: more than a day at one sample a minute. */
    static final int KEEP_LINES = 1500;
    /** About 40 KB: within the inline output limit, so nothing spills. */
    private static final int MAX_PRINTED = 1500;

    private GpuSampler() {
    }

    /** @param window how far back the printed history reaches */
    public static String command(Duration window) {
        return "PATH=\"$HOME/.local/bin:$PATH\"; export PATH; "
                + "command -v nvidia-smi >/dev/null 2>&1 || { echo '@@gpu:none'; exit 0; }; "
                + "u=$(nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits 2>/dev/null) "
                + "|| { echo \"@@gpu:failed $?\"; exit 0; }; "
                + "a=$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null) "
                + "|| { echo \"@@gpu:failed $?\"; exit 0; }; "
                + "now=$(date +%s); "
                + "avg=$(printf '%s\\n' \"$u\" | awk -F', *' '$1 ~ /^[0-9]+$/ {s+=$1; n++} END {if (n) printf \"%d\", s/n; else printf \"-\"}'); "
                + "procs=$(printf '%s\\n' \"$a\" | awk -F', *' '$1 ~ /^[0-9]+$/ {printf \"%s%s:%s\", sep, $1, ($2 ~ /^[0-9]+$/ ? $2 : 0); sep=\",\"}'); "
                + "[ -n \"$procs\" ] || procs=-; "
                + "f=\"$HOME/.fleet/gpu-samples\"; "
                + "if mkdir -p \"$HOME/.fleet\" 2>/dev/null; then chmod 700 \"$HOME/.fleet\" 2>/dev/null; "
                + "printf '%s %s %s\\n' \"$now\" \"$avg\" \"$procs\" >> \"$f\"; "
                + "if [ \"$(wc -l < \"$f\")\" -gt " + (2 * KEEP_LINES) + " ]; then tail -n " + KEEP_LINES
                + " \"$f\" > \"$f.tmp\" && mv -f \"$f.tmp\" \"$f\"; fi; fi; "
                + "echo '@@gpu:now'; echo \"$now\"; echo '@@gpu:sample'; printf '%s %s %s\\n' \"$now\" \"$avg\" \"$procs\"; "
                + "echo '@@gpu:reading'; printf '%s\\n' \"$u\"; echo '@@gpu:history'; "
                + "awk -v since=$((now - " + Math.max(60, window.toSeconds()) + ")) '$1 >= since' \"$f\" 2>/dev/null | tail -n "
                + MAX_PRINTED + "; true";
    }
}
