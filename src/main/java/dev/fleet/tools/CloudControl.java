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

    public CloudControl(MemberTarget target, CloudLifecycle lifecycle, CloudProviders providers, CloudStatus status,
                        Channels channels) {
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
                + "hourly rate, estimated cost, GPU use, idle timeout and warnings (one AWS call).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.oneOf("action", "start, stop or status.", "start", "stop", "status").required());
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member m = target.use(in);
        if (m.cloud() == null) {
            throw new InvalidInputException(in.given("member_id") ? "member_id" : "member_name", "names " + m.friendlyName()
                    + ", which is not a cloud member (it has no cloud block); cloud_control applies to cloud members only");
        }
        String action = in.string("action");
        try {
            if ("start".equals(action)) {
                boolean wasRunning = status.summarize(m, false).isRunning();
                Member ready = lifecycle.ensureReady(m, message -> call.progress(0, null, message));
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
