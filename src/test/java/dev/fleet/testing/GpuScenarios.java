package dev.fleet.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Recorded GPU histories (mostly one nvidia-smi look a minute, as the guard takes them) with the verdict
 * the utilization policy must reach. The same scenarios are judged by fleet (Java) and by the
 * on-instance guard (bash), so the two implementations cannot drift apart. Idle timeout 30 min.
 */
public final class GpuScenarios {
    public static final int IDLE_TIMEOUT_MIN = 30;

    /** What the policy concludes: the GPU counts as work, does not (below the threshold), is held idle, is unused, or cannot tell. */
    public enum Expect { BUSY, BELOW_THRESHOLD, HOLDING_IDLE, NO_PROCESSES, UNKNOWN }

    /**
     * What the processes holding GPU memory do on the CPU during the current look, while the GPU is
     * at 0 %: next to nothing (a forgotten kernel), a core's worth (a job's CPU phase), or they
     * cannot be seen in /proc. Tests that measure for real start such processes.
     */
    public enum Holders { IDLE, WORKING, UNSEEN }

    /** The holder's pid in the recorded looks; tests that measure real processes put a real pid in its place. */
    public static final String PID = "4242";

    /**
     * One look: how long ago, average utilization, compute processes ({@code pid:MiB,…} or {@code -}),
     * and the holders' CPU reading as the sample line's fourth field ({@code -}; empty: a line of an
     * older version, without the field).
     */
    public record Look(long secondsAgo, int utilization, String processes, String cpu) {
        String line(long now, String pid) {
            return (now - secondsAgo) + " " + utilization + " " + processes.replace(PID, pid) + (cpu.isEmpty() ? "" : " " + cpu);
        }
    }

    public record Scenario(String name, int threshold, Expect expect, List<Look> looks, Holders holders) {
        Scenario(String name, int threshold, Expect expect, List<Look> looks) {
            this(name, threshold, expect, looks, Holders.IDLE);
        }

        /** History lines ({@code <epoch> <util> <processes> [<cpu>]}) for a clock at {@code now}, oldest first. */
        public List<String> lines(long now) {
            return lines(now, PID);
        }

        /**
         * The same with the holder's pid given; the current look (the last line) carries the reading
         * the holders give (as {@code fleet_holders_cpu} would measure them).
         */
        public List<String> lines(long now, String pid) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < looks.size() - 1; i++) {
                lines.add(looks.get(i).line(now, pid));
            }
            Look current = current();
            boolean measured = current.utilization() == 0 && !current.processes().equals("-");
            lines.add(new Look(current.secondsAgo(), current.utilization(), current.processes(), measured ? switch (holders) {
                case IDLE -> "0";
                case WORKING -> "95";
                case UNSEEN -> "-";
            } : "-").line(now, pid));
            return lines;
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
                new Scenario("a job whose CPU use comes in bursts: 60 % of a core 3 minutes ago, nothing now", 0, Expect.BUSY,
                        cpuBurst()),
                new Scenario("GPU memory held at 0 % for 45 min by processes that cannot be seen", 0, Expect.UNKNOWN,
                        minutes(45, m -> 0, "4242:19000"), Holders.UNSEEN),
                new Scenario("a history written before CPU readings were taken", 0, Expect.UNKNOWN, olderVersion()),
                new Scenario("a 15-minute gap in the samples could hide work", 0, Expect.BUSY, gap()),
                new Scenario("notebook kernel idling below the threshold", 30, Expect.BELOW_THRESHOLD, minutes(8, m -> 4, "777:3000")),
                new Scenario("training with data-loading dips, above the threshold within the last minutes", 30, Expect.BUSY,
                        pattern(new int[] {91, 0, 88, 93, 0}, "4242:19000")),
                new Scenario("training at 90 % for 30 min, then a pause of seconds looked at five times", 30, Expect.BUSY,
                        pauseLookedAtOften()),
                new Scenario("a spike 12 minutes ago, at rest since", 30, Expect.BELOW_THRESHOLD,
                        minutes(15, m -> m == 12 ? 100 : 0, "4242:19000")),
                new Scenario("no compute process", 0, Expect.NO_PROCESSES, minutes(10, m -> 0, "-")),
                new Scenario("GPU in full use by processes nvidia-smi cannot show (another container)", 0, Expect.BUSY,
                        minutes(10, m -> 100, "-")),
                new Scenario("GPU in light use by unseen processes, below the threshold", 30, Expect.NO_PROCESSES,
                        minutes(10, m -> 12, "-")),
                new Scenario("GPU at 95 % by unseen processes for 30 min, at 0 % this one look", 0, Expect.BUSY,
                        minutes(30, m -> m == 0 ? 0 : 95, "-")),
                new Scenario("GPU used by unseen processes until 12 minutes ago", 0, Expect.NO_PROCESSES,
                        minutes(30, m -> m >= 12 ? 95 : 0, "-")));
    }

    /** A reading where the GPU sample takes one: memory held at 0 % (the holders idle on the CPU), else none. */
    private static String reading(int utilization, String processes) {
        return utilization == 0 && !processes.equals("-") ? "0" : "-";
    }

    private static List<Look> minutes(int count, java.util.function.IntUnaryOperator util, String processes) {
        List<Look> looks = new ArrayList<>();
        for (int m = count; m >= 0; m--) {
            int u = util.applyAsInt(m);
            looks.add(new Look(m * 60L, u, processes, reading(u, processes)));
        }
        return looks;
    }

    private static List<Look> pattern(int[] utils, String processes) {
        List<Look> looks = new ArrayList<>();
        for (int i = 0; i < utils.length; i++) {
            looks.add(new Look((utils.length - 1 - i) * 60L, utils[i], processes, reading(utils[i], processes)));
        }
        return looks;
    }

    /** 90 % a minute for 30 minutes, then 0 % in four looks over the last few seconds and in the current one. */
    private static List<Look> pauseLookedAtOften() {
        List<Look> looks = new ArrayList<>();
        for (int m = 30; m >= 1; m--) {
            looks.add(new Look(m * 60L, 90, "4242:19000", "-"));
        }
        for (int s = 4; s >= 0; s--) {
            looks.add(new Look(s, 0, "4242:19000", "0"));
        }
        return looks;
    }

    /** 0 % from 50 to 30 minutes ago, nothing recorded for 15 minutes, then 0 % again for 15 minutes. */
    private static List<Look> gap() {
        List<Look> looks = new ArrayList<>();
        for (int m = 50; m >= 30; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000", "0"));
        }
        for (int m = 15; m >= 0; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000", "0"));
        }
        return looks;
    }

    /** 45 minutes at 0 % with the holders idle on the CPU, except one reading of 60 % three minutes ago. */
    private static List<Look> cpuBurst() {
        List<Look> looks = new ArrayList<>();
        for (int m = 45; m >= 0; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000", m == 3 ? "60" : "0"));
        }
        return looks;
    }

    /** 45 minutes at 0 % recorded by a fleet or guard of before the CPU readings: three fields a line. */
    private static List<Look> olderVersion() {
        List<Look> looks = new ArrayList<>();
        for (int m = 45; m >= 0; m--) {
            looks.add(new Look(m * 60L, 0, "4242:19000", ""));
        }
        return looks;
    }
}
