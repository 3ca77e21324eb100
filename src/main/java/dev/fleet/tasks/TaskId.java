package dev.fleet.tasks;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The name of one long-running task, also its folder name under {@code $HOME/.fleet-tasks/}.
 * Only {@code task-} and 4 to 32 lowercase letters or digits: a task id can never name another
 * folder, start an option or carry shell syntax.
 */
public record TaskId(String value) {
    public static final String REGEX = "task-[a-z0-9]{4,32}";
    public static final String RULE = "must be task- followed by 4 to 32 lowercase letters or digits, as returned by "
            + "execute_command with long_running=true";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    public TaskId {
        if (value == null || !PATTERN.matcher(value).matches()) {
            throw new IllegalArgumentException("task id " + RULE);
        }
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * Makes new ids: the launch time in base 36 (so ids sort by start) and 8 random base-36
     * characters (36^8 ≈ 2.8·10^12), so two launches in the same millisecond, in one process or
     * in two, still differ. A collision would anyway be refused on the member (the folder exists).
     */
    public static final class Generator {
        private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
        private final Clock clock;
        private final Random random;

        public Generator(Clock clock) {
            this(clock, new SecureRandom());
        }

        public Generator(Clock clock, Random random) {
            this.clock = clock;
            this.random = random;
        }

        public TaskId next() {
            StringBuilder id = new StringBuilder("task-").append(Long.toString(clock.millis(), 36));
            for (int i = 0; i < 8; i++) {
                id.append(DIGITS[random.nextInt(DIGITS.length)]);
            }
            return new TaskId(id.toString());
        }
    }
}
