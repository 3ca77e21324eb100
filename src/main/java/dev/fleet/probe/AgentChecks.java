package dev.fleet.probe;

import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.util.Optional;

/**
 * What member_detail asks about a member's agent CLI. Which CLI a member runs, and how it is
 * asked, is the agent package's knowledge; the probes only run the scripts it gives.
 */
@FunctionalInterface
public interface AgentChecks {
    /**
     * The scripts for this member's CLI; empty for a member without one (commands only).
     *
     * @param executable the CLI's command name, for messages
     * @param version    prints the CLI's version line; fails when the CLI is missing
     * @param login      prints {@code file <path>} for each login file found and {@code variable <NAME>}
     *                   for each key variable set; never a value
     */
    record Scripts(String executable, String version, String login) {
    }

    Optional<Scripts> forMember(Member member, OsCommands os);
}
