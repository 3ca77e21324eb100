package dev.fleet.tools;

import dev.fleet.budget.Budgets;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** From 80 % of a daily budget on, every result about that member says so. */
public final class BudgetNotes implements ToolRunner.ResultNotes {
    private final RegistryStore store;
    private final Budgets budgets;

    public BudgetNotes(RegistryStore store, Budgets budgets) {
        this.store = store;
        this.budgets = budgets;
    }

    @Override
    public List<String> about(Map<String, Object> arguments) {
        Object id = arguments == null ? null : arguments.get("member_id");
        Object name = arguments == null ? null : arguments.get("member_name");
        if (!(id instanceof String) && !(name instanceof String)) {
            return List.of();
        }
        Registry registry = store.read();
        Optional<Member> m = id instanceof String s ? registry.byId(s) : registry.byName((String) name);
        return m.filter(budgets::applies).flatMap(x -> budgets.check(x).warning()).stream().toList();
    }
}
