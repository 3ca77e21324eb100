package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusServiceTest {
    @Test
    void probeSectionsSplitAtMarkers() {
        var s = StatusService.sections("noise\n@@fleet:folder 0\nyes\n@@fleet:procs\n1\t/a\tclaude\n");
        assertThat(s.get("folder 0").strip()).isEqualTo("yes");
        assertThat(s.get("procs")).contains("claude");
    }
}
