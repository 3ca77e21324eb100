package dev.fleet.tools;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskId;
import java.util.Optional;

/** What monitor_task and stop_task share: the task_id parameter and a look at an instance that must not be started. */
final class TaskTargets {
    static final Param TASK_ID = Param.string("task_id", "The task's id, as execute_command with long_running=true returned it.")
            .matching(TaskId.REGEX, TaskId.RULE).required();

    private TaskTargets() {
    }

    static TaskId taskId(ToolInput in) {
        return new TaskId(in.string("task_id"));
    }

    /**
     * The state of a cloud member's instance when it is not running nor about to run (stopped,
     * stopping, gone): nothing can run there, so such a call must not start it. Empty for running
     * or pending instances and for members without a cloud block.
     */
    static Optional<InstanceState> notRunning(CloudProviders providers, Member m) {
        if (m.cloud() == null) {
            return Optional.empty();
        }
        try {
            InstanceState state = providers.forConfig(m.cloud()).describe(m.cloud()).state();
            return state == InstanceState.RUNNING || state == InstanceState.PENDING ? Optional.empty() : Optional.of(state);
        } catch (CloudException e) {
            throw new ToolException("Cannot read the instance of cloud member " + m.friendlyName() + ": " + e.getMessage());
        }
    }

    static InvalidInputException noSuchTask(TaskId id, Member m) {
        return new InvalidInputException("task_id", "'" + id + "' names no task on " + m.friendlyName()
                + " (there is no folder $HOME/.fleet-tasks/" + id + " on it)");
    }
}
