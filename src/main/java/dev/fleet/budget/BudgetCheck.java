package dev.fleet.budget;

import java.util.Optional;

/**
 * Where a member stands against its daily budget and the fleet-wide one (the worse of the two).
 *
 * @param summary the spend against the budget, for the reader; empty when no budget applies
 * @param warning what every result about the member carries from 80 % on
 */
public record BudgetCheck(Level level, String summary, Optional<String> warning) {

    public enum Level {
        /** No budget applies to the member. */
        NONE,
        UNDER,
        /** 80 % or more spent today: a warning in every result. */
        WARNING,
        /** 100 % or more: no automatic start, short idle timeout. */
        OVER
    }

    public static final BudgetCheck NO_BUDGET = new BudgetCheck(Level.NONE, "", Optional.empty());

    public boolean over() {
        return level == Level.OVER;
    }
}
