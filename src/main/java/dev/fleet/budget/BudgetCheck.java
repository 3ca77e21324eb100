package dev.fleet.budget;

import java.util.Optional;

/**
 * Where a member stands against its daily budget and the fleet-wide one (the worse of the two).
 *
 * @param summary the spend against the budget, for the reader; empty when no budget applies
 */
public record BudgetCheck(Level level, String summary) {

    public enum Level {
        /** No budget applies to the member. */
        NONE,
        UNDER,
        /** 80 % or more spent today: a warning in every result. */
        WARNING,
        /** 100 % or more: no automatic start, short idle timeout. */
        OVER
    }

    public static final BudgetCheck NO_BUDGET = new BudgetCheck(Level.NONE, "");

    public boolean over() {
        return level == Level.OVER;
    }

    /** The warning every result about the member carries from 80 % on. */
    public Optional<String> warning() {
        return switch (level) {
            case WARNING -> Optional.of("budget nearly spent: " + summary);
            case OVER -> Optional.of("over budget: " + summary + "; fleet does not start the instance by itself "
                    + "and stops it after a short idle time");
            default -> Optional.empty();
        };
    }
}
