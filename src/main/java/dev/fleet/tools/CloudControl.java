package dev.fleet.tools;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudGate;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.guard.GuardReport;
import dev.fleet.guard.GuardService;
import dev.fleet.member.Member;
import dev.fleet.status.CloudReading;
import dev.fleet.status.FleetProbe;
import dev.fleet.tasks.TaskControl;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** cloud_control: start, stop or inspect a cloud member's instance by hand, or turn its on-instance guard off or on. */
public final class CloudControl implements Tool {
    private final MemberTarget target;
    private final CloudGate gate;
    private final FleetProbe probe;
    private final GuardService guard;
    private final TaskControl tasks;

    public CloudControl(MemberTarget target, CloudGate gate, FleetProbe probe, GuardService guard, TaskControl tasks) {
        this.target = target;
        this.gate = gate;
        this.probe = probe;
        this.guard = guard;
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "cloud_control";
    }

    @Override
    public String description() {
        return "Control a cloud member's VM. action=start: start it if needed, wait until SSH answers, put the agent "
                + "login back, and return the new address (takes 1-3 minutes from stopped). action=stop: stop it now; "
                + "refused while a fleet call (command, prompt, transfer) is still working on it, a fleet command of "
                + "another fleet session runs there, or a fleet task (execute_command long_running) still runs there, "
                + "unless force=true (that work is cut off). "
                + "action=status: state, type, address, uptime, hourly rate, estimated cost, GPU use, idle timeout and "
                + "warnings (one AWS call). action=guard_off: remove "
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
                        + "spent.").withDefault(false),
                Param.bool("force", "With action=stop: stop even though fleet work is in flight on the member; "
                        + "that work is cut off. Default false."));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member m = target.use(in);
        if (m.cloud() == null) {
            throw new InvalidInputException(MemberTarget.ref(in).parameter(), "names " + m.friendlyName()
                    + ", which is not a cloud member (it has no cloud block); cloud_control applies to cloud members only");
        }
        String action = in.string("action");
        if (in.given("force") && !"stop".equals(action)) {
            throw new InvalidInputException("force", "applies to action=stop only; leave it out for action=" + action);
        }
        if (in.given("override_budget") && !"start".equals(action)) {
            throw new InvalidInputException("override_budget", "applies only with action=start");
        }
        if (action.startsWith("guard_")) {
            GuardReport r = "guard_off".equals(action) ? guard.turnOff(m) : guard.turnOn(m);
            return new ToolResult(m.friendlyName() + ": " + r.sentence() + ".", Map.of("member", m.friendlyName(),
                    "guard", r.outcome().name().toLowerCase(Locale.ROOT)), r.outcome() == GuardReport.Outcome.FAILED);
        }
        String instance = m.cloud().instanceId();
        try {
            if ("start".equals(action)) {
                CloudGate.StartedByHand started = gate.startByHand(m, call, in.bool("override_budget"));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("member", m.friendlyName());
                data.put("state", "running");
                data.put("publicIp", started.member().host());
                data.put("started", !started.wasRunning());
                return ToolResult.ok("Instance " + instance + " of " + m.friendlyName() + " is running at "
                        + started.member().host() + (started.wasRunning() ? " (it was already running)."
                        : " (started; SSH answers).") , data);
            }
            if ("stop".equals(action)) {
                CloudLifecycle.Stopped stopped = tasks.stopInstance(m, in.bool("force"));
                String now = stopped.state().label();
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("member", m.friendlyName());
                data.put("state", now);
                if (stopped.cutOff() != null) {
                    data.put("cutOff", stopped.cutOff());
                }
                return ToolResult.ok("Stopping instance " + instance + " of " + m.friendlyName() + " (now " + now + ")."
                        + (stopped.cutOff() == null ? "" : " Forced: fleet work in flight there was cut off ("
                        + stopped.cutOff() + ").") + " The next tool call on it starts it again.", data);
            }
            CloudReading s = probe.cloud(m);
            if (s.summary().error() != null) {
                return ToolResult.error("Cannot read the instance of " + m.friendlyName() + ": " + s.summary().error());
            }
            return ToolResult.ok(m.friendlyName() + "\n" + CloudText.block(s).stripTrailing(), CloudText.structured(s));
        } catch (CloudLifecycle.WorkInFlightException e) {
            return ToolResult.error("cloud_control stop on " + m.friendlyName() + " refused: " + e.getMessage()
                    + ". Wait for that work to end, or pass force=true to stop it anyway (the work is cut off).");
        } catch (CloudException e) {
            return ToolResult.error("cloud_control " + action + " on " + m.friendlyName() + " failed: " + e.getMessage());
        }
    }
}
