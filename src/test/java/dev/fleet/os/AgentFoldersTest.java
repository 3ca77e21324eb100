package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent shell's PATH, the GPU commands' PATH and the lookup without a shell search the same
 * folders, in the same order.
 */
class AgentFoldersTest {
    @Test
    void theShellPutsTheLookupsFoldersBeforePathInTheSameOrder() throws Exception {
        String home = "/home/some one";
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", PosixAgentShell.AGENT_PATH + "printf '%s' \"$PATH\"");
        pb.environment().put("HOME", home);
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        List<Path> folders = AgentFolders.posix(home);
        assertThat(folders).first().isEqualTo(Path.of(home, ".local/bin"));
        assertThat(Arrays.stream(path.split(":")).map(Path::of).toList())
                .containsExactlyElementsOf(concat(folders, Path.of("/usr/bin"), Path.of("/bin")));
    }

    @Test
    void theGpuCommandsLookInTheSameFoldersAsTheAgentShell() {
        for (PosixCommands os : List.of(new LinuxCommands(), new MacOsCommands())) {
            assertThat(os.gpuUtilization()).startsWith(PosixAgentShell.AGENT_PATH + "nvidia-smi ");
            assertThat(os.gpuComputeProcesses()).startsWith(PosixAgentShell.AGENT_PATH);
            assertThat(os.gpuSample(600)).hasValueSatisfying(s -> assertThat(s).startsWith(PosixAgentShell.AGENT_PATH));
        }
    }

    @Test
    void withoutAHomeOnlyTheFixedFoldersAreSearched() {
        assertThat(AgentFolders.posix(null)).containsExactly(Path.of("/opt/homebrew/bin"), Path.of("/usr/local/bin"));
    }

    private static List<Path> concat(List<Path> first, Path... more) {
        List<Path> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
