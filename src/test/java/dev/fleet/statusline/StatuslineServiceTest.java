package dev.fleet.statusline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.member.AgentType;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status line file written by fleet: changes that come faster than the disk join one write,
 * and whatever joins, the file ends up showing each member's latest state.
 */
class StatuslineServiceTest {
    @TempDir
    Path tmp;
    DataDir dataDir;
    RegistryStore store;

    @BeforeEach
    void setUp() {
        dataDir = new DataDir(tmp).ensureExists();
        store = new RegistryStore(dataDir, new RegistryCodec(new ObjectMapper()));
        store.update(r -> r.with(local("alpha")).with(local("beta")));
    }

    private static Member local(String name) {
        return Member.builder().id(name + "-id").friendlyName(name).agentType(AgentType.LOCAL).workFolder("/w/" + name)
                .createdAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    private StatuslineService service() {
        return new StatuslineService(dataDir, store, new ObjectMapper());
    }

    private String line() throws Exception {
        return Files.readString(StatuslineService.lineFile(dataDir)).strip();
    }

    @Test
    void aBurstOfQuickCommandsEndsShowingTheLatestState() throws Exception {
        try (StatuslineService statusline = service()) {
            // Hundreds of commands of a few milliseconds each, on both members, faster than the writer.
            for (int i = 0; i < 300; i++) {
                statusline.workStarted("alpha-id");
                statusline.workStarted("beta-id");
                statusline.workEnded("alpha-id", MemberState.IDLE);
                statusline.workEnded("beta-id", MemberState.IDLE);
            }
            // The last word: alpha is working, beta went offline.
            statusline.workStarted("alpha-id");
            statusline.workEnded("beta-id", MemberState.OFFLINE);
        }
        assertThat(line()).contains("alpha:⚡ busy", "beta:❌ offline").doesNotContain("idle");
        assertThat(Files.readString(tmp.resolve("statusline-state.json")))
                .contains("\"alpha-id\":\"busy\"", "\"beta-id\":\"offline\"");
    }

    private Object fileKey(Path file) throws Exception {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    private StatuslineService joiningFor(java.time.Duration join) {
        return new StatuslineService(dataDir, store, new ObjectMapper(), join);
    }

    @Test
    void aQuickCommandCostsOneRenderAfterItNotTwoBesideIt() throws Exception {
        try (StatuslineService statusline = service()) {
            statusline.observed(Map.of("alpha-id", MemberState.IDLE));
        }
        Path state = tmp.resolve("statusline-state.json");
        Object lineBefore = fileKey(StatuslineService.lineFile(dataDir));
        Object stateBefore = fileKey(state);
        // A join far longer than the test: busy and idle meet before anything is rendered.
        try (StatuslineService statusline = joiningFor(java.time.Duration.ofHours(1))) {
            statusline.workStarted("alpha-id");
            statusline.workEnded("alpha-id", MemberState.IDLE);
        }
        // Neither file was replaced: "busy" never reached the disk, and "idle" was already there.
        assertThat(fileKey(StatuslineService.lineFile(dataDir))).isEqualTo(lineBefore);
        assertThat(fileKey(state)).isEqualTo(stateBefore);
        assertThat(line()).contains("alpha:💤 idle");
    }

    @Test
    void nothingIsWrittenWhileAChangeWaitsAndClosingWritesIt() throws Exception {
        try (StatuslineService statusline = joiningFor(java.time.Duration.ofHours(1))) {
            statusline.workStarted("beta-id");
            assertThat(StatuslineService.lineFile(dataDir)).doesNotExist();
        }
        assertThat(line()).contains("beta:⚡ busy");
    }

    @Test
    void aMemberStaysBusyWhileAnotherOfItsCommandsRuns() throws Exception {
        try (StatuslineService statusline = service()) {
            statusline.workStarted("alpha-id");
            statusline.workStarted("alpha-id");
            statusline.workEnded("alpha-id", MemberState.IDLE);
        }
        assertThat(line()).contains("alpha:⚡ busy", "beta:💤 idle");
    }

    @Test
    void anotherProcessesStatesAreKeptAndAnUnchangedLineIsNotRewritten() throws Exception {
        try (StatuslineService first = service()) {
            first.workStarted("alpha-id");
        }
        // Another fleet process on the same data dir: its change joins the first one's.
        try (StatuslineService second = service()) {
            second.observed(Map.of("beta-id", MemberState.OFFLINE));
        }
        assertThat(line()).contains("alpha:⚡ busy", "beta:❌ offline");

        Path lineFile = StatuslineService.lineFile(dataDir);
        FileTime past = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(lineFile, past);
        try (StatuslineService third = service()) {
            third.refresh();
            third.observed(Map.of("alpha-id", MemberState.BUSY));
        }
        assertThat(Files.getLastModifiedTime(lineFile)).as("the same line is not written again").isEqualTo(past);
        assertThat(line()).contains("alpha:⚡ busy", "beta:❌ offline");
    }
    /**
     * Two fleet processes on one data dir (the daemon and a {@code fleet exec}): a call that ends
     * in one leaves the member busy while the other still runs work there, and work of a process
     * that is gone no longer counts. The other process here is a real one whose record says it
     * works on alpha.
     */
    @Test
    void workThatAnotherLiveProcessRunsKeepsTheMemberBusyUntilThatProcessIsGone() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            long start = other.toHandle().info().startInstant().orElseThrow().toEpochMilli();
            Files.writeString(tmp.resolve("statusline-work.json"),
                    "{\"" + other.pid() + "\":{\"start\":" + start + ",\"members\":[\"alpha-id\"]}}");
            try (StatuslineService statusline = service()) {
                statusline.workStarted("alpha-id");
                statusline.workStarted("beta-id");
                statusline.workEnded("alpha-id", MemberState.IDLE);
                statusline.workEnded("beta-id", MemberState.IDLE);
            }
            assertThat(line()).contains("alpha:⚡ busy", "beta:💤 idle");
            assertThat(Files.readString(tmp.resolve("statusline-work.json")))
                    .as("this process recorded no work left; the other's record stays").contains("\"" + other.pid() + "\"")
                    .doesNotContain("\"" + ProcessHandle.current().pid() + "\"");
        } finally {
            other.destroyForcibly().waitFor();
        }
        try (StatuslineService statusline = service()) {
            statusline.workStarted("alpha-id");
            statusline.workEnded("alpha-id", MemberState.IDLE);
        }
        assertThat(line()).contains("alpha:💤 idle", "beta:💤 idle");
        assertThat(Files.readString(tmp.resolve("statusline-work.json"))).isEqualTo("{}");
    }
    /**
     * A daemon stopped (or killed) while a command ran: its busy mark is stale once it is gone, and
     * the next render by any fleet process shows the member idle again. A member a live process
     * still works on, or busy for another reason, is left as it is.
     */
    @Test
    void aBusyMarkLeftByAProcessThatIsGoneIsClearedAtTheNextRender() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(tmp.resolve("statusline-state.json"), "{\"alpha-id\":\"busy\",\"beta-id\":\"busy\"}");
        Files.writeString(tmp.resolve("statusline-work.json"),
                "{\"" + gone.pid() + "\":{\"start\":1,\"members\":[\"alpha-id\"]}}");
        try (StatuslineService statusline = service()) {
            statusline.refresh();
        }
        assertThat(line()).contains("alpha:💤 idle", "beta:⚡ busy");
        assertThat(Files.readString(tmp.resolve("statusline-work.json"))).isEqualTo("{}");
    }
}
