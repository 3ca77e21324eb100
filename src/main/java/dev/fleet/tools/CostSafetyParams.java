package dev.fleet.tools;

import dev.fleet.member.CloudConfig;
import java.util.List;

/** The cost-safety settings of register_member and update_member, declared once. */
final class CostSafetyParams {
    static final Param BUDGET = Param.number("cloud_budget_usd_per_day",
            "Cloud: daily budget in US dollars for this member's instance, checked against its estimated spend (hourly "
                    + "rate x running time, per UTC day). At 80 % every result warns; at 100 % fleet no longer starts it by "
                    + "itself and stops it after a short idle time. 0 removes the budget.", 0, 1_000_000);
    static final Param GPU_BUSY_MIN_UTIL = Param.integer("cloud_gpu_busy_min_util",
            "Cloud: GPU utilization (percent) that counts as work when deciding whether the instance is idle. 0 (default): "
                    + "any GPU compute process keeps it running; e.g. 10: only a GPU used at 10 % or more on average over the "
                    + "last samples. A process holding GPU memory at 0 % for longer than the idle timeout never keeps it up.",
            0, 100);

    /** Settings that change what the on-instance guard decides. */
    static final List<String> GUARD_SETTINGS = List.of("cloud_idle_timeout_min", "cloud_activity_command",
            "cloud_gpu_busy_min_util", "cloud_budget_usd_per_day", "work_folder");

    private CostSafetyParams() {
    }

    /** A new member's block with the settings given. */
    static CloudConfig forRegistration(CloudConfig cloud, ToolInput in) {
        Double budget = in.decimal("cloud_budget_usd_per_day");
        Integer util = in.integer("cloud_gpu_busy_min_util");
        return cloud.withCostSafety(budget == null || budget == 0 ? null : budget, util == null ? 0 : util, false);
    }

    /** An updated block: the previous settings, replaced by those given. */
    static CloudConfig forUpdate(CloudConfig previous, CloudConfig next, ToolInput in) {
        Double budget = in.given("cloud_budget_usd_per_day") ? in.decimal("cloud_budget_usd_per_day")
                : previous == null ? null : previous.budgetUsdPerDay();
        int util = in.given("cloud_gpu_busy_min_util") ? in.integer("cloud_gpu_busy_min_util")
                : previous == null ? 0 : previous.gpuBusyMinUtil();
        return next.withCostSafety(budget == null || budget == 0 ? null : budget, util, previous != null && previous.guardOff());
    }
}
