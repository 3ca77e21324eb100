package dev.fleet.tools;

import dev.fleet.budget.Budgets;
import dev.fleet.member.RegistryStore;
import java.util.List;

/** From 80 % of a daily budget on, every result about that member says so. */
public final class BudgetNotes implements ToolRunner.ResultNotes {
    private final RegistryStore store;
    private final Budgets budgets;

    public BudgetNotes(RegistryStore store, Budgets budgets) {
        this.store = store;
        this.budgets = budgets;
    }

    @Override
    public List<String> about(ToolInput in) {
        // A format=json answer is one JSON document: member_detail carries the budget as a key there.
        if ("json".equals(in.string("format"))) {
            return List.of();
        }
        return MemberTarget.named(in, store.read()).flatMap(m -> budgets.check(m).warning()).stream().toList();
    }
}
