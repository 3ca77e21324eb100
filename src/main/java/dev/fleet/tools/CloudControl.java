package dev.fleet.tools;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.cloud.InstanceState;
import dev.fleet.exec.Channels;
import dev.fleet.member.Member;
import java.util.LinkedHashMap;
import java.util.Map;

/** cloud_control: start, stop or inspect a cloud member's instance by hand. */
public final class CloudControl implements Tool {
    private final MemberTarget target;
    private final CloudLifecycle lifecycle;
    private final CloudProviders providers;
    private final CloudStatus status;
    private final Channels channels;
    private final dev.fleet.guard.GuardService guard;

    public CloudControl(MemberTarget target, CloudLifecycle lifecycle, CloudProviders providers, CloudStatus status,
                        Channels channels, dev.fleet.guard.GuardService guard) {
        this.guard = guard;
        this.target = target;
        this.lifecycle = lifecycle;
        this.providers = providers;
        this.status = status;
        this.channels = channels;
    }

    @Override
    public String name() {
        return "cloud_control";
    }

    @Override
    public String description() {
        return "Control a cloud member's VM. action=start: start it if needed, wait until SSH answers, put the agent "
                + "login back, and return the new address (takes 1-3 minutes from stopped). action=stop: stop it now, "
                + "without any activity check (running work is lost). action=status: state, type, address, uptime, "
                + "hourly rate, estimated cost, GPU use, idle timeout and warnings (one AWS call). action=guard_off: remove "
                + "the on-instance guard (which powers the machine off when idle even with no fleet running) and stop "
                + "installing it; action=guard_on: install it again. A member over its daily budget is not started "
                + "unless override_budget=true is given with action=start.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.oneOf("action", "start, stop, status, guard_off or guard_on.", "start", "stop", "status", "guard_off",
                        "guard_on").required(),
                Param.bool("override_budget", "With action=start: start the instance even though its daily budget is "
                        + "spent.").withDefault(false));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member m = target.use(in);
        if (m.cloud() == null) {
            throw new InvalidInputException(in.given("member_id") ? "member_id" : "member_name", "names " + m.friendlyName()
                    + ", which is not a cloud member (it has no cloud block); cloud_control applies to cloud members only");
        }
        String action = in.string("action");
        if (in.given("override_budget") && !"start".equals(action)) {
            throw new InvalidInputException("override_budget", "applies only with action=start");
        }
        if (action.startsWith("guard_")) {
            dev.fleet.guard.GuardReport r = "guard_off".equals(action) ? guard.turnOff(m) : guard.turnOn(m);
            return new ToolResult(m.friendlyName() + ": " + r.sentence() + ".", Map.of("member", m.friendlyName(),
                    "guard", r.outcome().name().toLowerCase(java.util.Locale.ROOT)),
                    r.outcome() == dev.fleet.guard.GuardReport.Outcome.FAILED);
        }
        try {
            if ("start".equals(action)) {
                boolean wasRunning = status.summarize(m, false).isRunning();
                Member ready = lifecycle.ensureReady(m, message -> call.progress(0, null, message), in.bool("override_budget"));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("member", m.friendlyName());
                data.put("state", "running");
                data.put("publicIp", ready.host());
                data.put("started", !wasRunning);
                return ToolResult.ok("Instance " + m.cloud().instanceId() + " of " + m.friendlyName() + " is running at "
                        + ready.host() + (wasRunning ? " (it was already running)." : " (started; SSH answers).") , data);
            }
            if ("stop".equals(action)) {
                InstanceState now = providers.forConfig(m.cloud()).stop(m.cloud());
                lifecycle.forget(m);
                channels.release(m);
                return ToolResult.ok("Stopping instance " + m.cloud().instanceId() + " of " + m.friendlyName() + " (now "
                        + now.label() + "). The next tool call on it starts it again.", Map.of("member", m.friendlyName(),
                        "state", now.label()));
            }
            CloudSummary s = status.summarize(m, true);
            if (s.error() != null) {
                return ToolResult.error("Cannot read the instance of " + m.friendlyName() + ": " + s.error());
            }
            return ToolResult.ok(m.friendlyName() + "\n" + s.block().stripTrailing(), s.structured());
        } catch (CloudException e) {
            return ToolResult.error("cloud_control " + action + " on " + m.friendlyName() + " failed: " + e.getMessage());
        }
    }
}
