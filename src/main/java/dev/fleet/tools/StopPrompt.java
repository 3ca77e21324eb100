package dev.fleet.tools;

import dev.fleet.agentcli.PromptStopper;
import dev.fleet.exec.ChannelException;
import dev.fleet.member.Member;
import java.util.LinkedHashMap;
import java.util.Map;

/** stop_prompt: ends the prompt running on a member and everything it started. */
public final class StopPrompt implements Tool {
    private final MemberTarget target;
    private final PromptStopper stopper;

    public StopPrompt(MemberTarget target, PromptStopper stopper) {
        this.target = target;
        this.stopper = stopper;
    }

    @Override
    public String name() {
        return "stop_prompt";
    }

    @Override
    public String description() {
        return "Stop the prompt running on a member (an execute_prompt that went astray): its agent CLI and every process it "
                + "started are ended (a polite signal, then a forced kill after two seconds), and that execute_prompt returns "
                + "with failure class 'cancelled'. Files already changed stay as they are. Nothing happens when no prompt runs. "
                + "Does not start a stopped cloud instance.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        Member m = target.resolve(in);
        PromptStopper.Stopped s = stopper.stop(m);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("member", m.friendlyName());
        data.put("stopped", s.stopped());
        data.put("stoppedBeforeStart", s.notStarted());
        data.put("running", !s.nothingRan());
        if (s.nothingRan()) {
            return ToolResult.ok("No prompt is running on " + m.friendlyName() + "; nothing was stopped.", data);
        }
        StringBuilder t = new StringBuilder("Stopped the prompt on " + m.friendlyName() + ": ");
        t.append(s.stopped()).append(s.stopped() == 1 ? " agent process tree ended" : " agent process trees ended");
        if (s.notStarted() > 0) {
            t.append(", ").append(s.notStarted()).append(" prompt").append(s.notStarted() == 1 ? "" : "s").append(" stopped before starting");
        }
        t.append(". Its execute_prompt returns 'cancelled'.");
        if (!s.settled()) {
            t.append(" (It had not reported back yet.)");
        }
        return ToolResult.ok(t.toString(), data);
    }
}
