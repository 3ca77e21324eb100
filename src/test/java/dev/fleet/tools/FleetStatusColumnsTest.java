package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleetStatusColumnsTest {
    @Test
    void aColumnIsFilledWithSpacesAsFormatDoesAndNeverCut() {
        for (Object v : List.of("ab", "exactly", "longer than the column", 42, "")) {
            assertThat(FleetStatus.padded(v, 7)).isEqualTo(String.format("%-7s", v));
        }
        assertThat(FleetStatus.padded(null, 4)).isEqualTo("null");
    }
}
