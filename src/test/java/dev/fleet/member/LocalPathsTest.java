package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.base.InvalidRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

class LocalPathsTest {
    private final LocalPaths paths = new LocalPaths(Path.of("/home/pm"));

    @Test
    void absolutePathsAndTheHomeAreTakenAsGiven() {
        assertThat(paths.absolute("/data/out", "local_dest")).isEqualTo(Path.of("/data/out"));
        assertThat(paths.absolute("~/out", "local_dest")).isEqualTo(Path.of("/home/pm/out"));
        assertThat(paths.normalise("/data/./a/../out/", "work_folder")).isEqualTo("/data/out");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aPathAbsoluteOnlyOnAnotherOsIsRefusedNotTakenRelativeToTheServersFolder() {
        assertThatThrownBy(() -> paths.absolute("C:\\Windows\\out", "local_dest")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("local_dest must be an absolute path on this machine");
        assertThatThrownBy(() -> paths.normalise("relative/dir", "work_folder")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("work_folder");
        assertThatThrownBy(() -> paths.absolute("/a\0b", "project_folder")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("project_folder is not a valid path");
    }
}
