package dev.fleet.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Recorded GPU histories (one nvidia-smi look a minute, as the guard takes them) with the verdict
 * the utilization policy must reach. The same scenarios are judged by fleet (Java) and by the
 * on-instance guard (bash), so the two implementations cannot drift apart. Idle timeout 30 min.
 */
public final class GpuScenarios {
    public static final int IDLE_TIMEOUT_MIN = 30;

    /** What the policy concludes: the GPU counts as work, does not (below the threshold), is held idle, or is unused. */
    public enum Expect { BUSY, BELOW_THRESHOLD, HOLDING_IDLE, NO_PROCESSES }

    /**
     * What the processes holding GPU memory do on the CPU while the GPU is at 0 %: next to nothing
     * (a forgotten kernel), a core's worth (a job's CPU phase), or they cannot be seen in /proc.
     */
    public enum Holders { IDLE, WORKING, UNSEEN }

    /** The holder's pid in the recorded looks; tests that measure real processes put a real pid in its place. */
    public static final String PID = "4242";

    /** One look: how long ago, average utilization, compute processes ({@code pid:MiB,…} or {@code -}). */
    public record Look(long secondsAgo, int utilization, String processes) {
    }

    public record Scenario(String name, int threshold, Expect expect, List<Look> looks, Holders holders) {
        Scenario(String name, int threshold, Expect expect, List<Look> looks) {
            this(name, threshold, expect, looks, Holders.IDLE);
        }

        /** History lines ({@code <epoch> <util> <processes>}) for a clock at {@code now}, oldest first. */
        public List<String> lines(long now) {
            return lines(now, PID);
        }

        /** The same with the holder's pid given. */
        public List<String> lines(long now, String pid) {
            return looks.stream().map(l -> (now - l.secondsAgo()) + " " + l.utilization() + " " + l.processes().replace(PID, pid))
                    .toList();
        }

        /** What the holders' sessions used of a CPU core during the current look (%), as the sample measures it; null: unseen. */
        public Integer holdersCpu() {
            return switch (holders) {
                case IDLE -> 0;
                case WORKING -> 95;
                case UNSEEN -> null;
            };
        }

        public Look current() {
            return looks.get(looks.size() - 1);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private GpuScenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                new Scenario("training at full use", 0, Expect.BUSY, minutes(45, m -> 95, "4242:19000")),
                new Scenario("dead DataLoader worker holding 19 GB at 0 % for 45 min", 0, Expect.HOLDING_IDLE,
                        minutes(45, m -> 0, "4242:19000")),
                new Scenario("GPU held at 0 % for only 20 min", 0, Expect.BUSY, minutes(20, m -> 0, "4242:19000")),
                new Scenario("a job in a CPU phase holding 19 GB at 0 % for 45 min", 0, Expect.BUSY,
                        minutes(45, m -> 0, "4242:19000"), Holders.WORKING),
                new Scenario("GPU memory held at 0 % for 45 min by processes that cannot be seen", 0, Expect.BUSY,
                        minutes(45, m -> 0, "4242:19000"), Holders.UNSEEN),
                new Scenario("a 15-minute gap in the samples could hide work", 0, Expect.BUSY, gap()),
                new Scenario("notebook kernel idling below the threshold", 30, Expect.BELOW_THRESHOLD, minutes(8, m -> 4, "777:3000")),
                new Scenario("training with data-loading dips, above the threshold on average", 30, Expect.BUSY,
                        pattern(new int[] {91, 0, 88, 93, 0}, "4242:19000")),
                new Scenario("short spike, below the threshold on average", 30, Expect.BELOW_THRESHOLD,
                        pattern(new int[] {0, 0, 0, 0, 100}, "4242:19000")),
                new Scenario("no compute process", 0, Expect.NO_PROCESSES, minutes(10, m -> 0, "-")),
                new Scenario("GPU in full use by processes nvidia-smi cannot show (another container)", 0, Expect.BUSY,
                        minutes(10, m -> 100, "-")),
                new Scenario("GPU in light use by unseen processes, below the threshold", 30, Expect.NO_PROCESSES,
                        minutes(10, m -> 12, "-")));
    }

    private static List<Look> minutes(int count, java.util.function.IntUnaryOperator util, String processes) {
        List<Look> looks = new ArrayList<>();
        for (int m = count; m >= 0; m--) {
            looks.add(new Look(m * 60L, util.applyAsInt(m), processes));
        }
        return looks;
    }

    private static List<Look> pattern(int[] utils, String processes) {
        List<Look> looks = new ArrayList<>();
        for (int i = 0; i < utils.length; i++) {
            looks.add(new Look((utils.length - 1 - i) * 60L, utils[i], processes));
        }
        return looks;
    }

    /** 0 % from 50 to 30 minutes ago, nothing recorded for 15 minutes, then 0 % again for 15 minutes. */
    private static List<Look> gap() {
        List<Look> looks = new ArrayList<>();
        for (int m = 50; m >= 30; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000"));
        }
        for (int m = 15; m >= 0; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000"));
        }
        return looks;
    }
}
