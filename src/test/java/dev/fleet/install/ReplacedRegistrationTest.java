package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What fleet install says it replaces: the program and its script, never an option's value. */
class ReplacedRegistrationTest {
    @Test
    void showsTheProgramAndScriptAndLeavesOutEverythingFromTheFirstOption() {
        assertThat(ClaudeCodeWiring.replacedShown(List.of("node", "/old/apra-fleet/dist/index.js")))
                .isEqualTo("node /old/apra-fleet/dist/index.js");
        assertThat(ClaudeCodeWiring.replacedShown(List.of("node", "/srv/index.js", "--api-key", "sk-secret-value")))
                .isEqualTo("node /srv/index.js ...").doesNotContain("sk-secret");
        assertThat(ClaudeCodeWiring.replacedShown(List.of("--token=abc", "x"))).isEqualTo("the earlier registration");
    }
}
