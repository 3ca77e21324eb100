package dev.fleet.statusline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatuslinePrinterTest {
    @TempDir
    Path tmp;

    @Test
    void theLineGetsAMarkerForHowFreshItIs() throws Exception {
        Path file = tmp.resolve("statusline.txt");
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(StatuslinePrinter.render(file.toFile(), now.toEpochMilli())).isEqualTo("Fleet: no status");
        Files.writeString(file, "🔵 a:💤 idle\n");
        Map<Duration, String> markers = Map.of(Duration.ofSeconds(3), "✅", Duration.ofSeconds(30), "☑️", Duration.ofMinutes(2), "✔️",
                Duration.ofMinutes(10), "⏳", Duration.ofMinutes(20), "⚠️", Duration.ofMinutes(45), "🟡", Duration.ofMinutes(90), "🟠",
                Duration.ofHours(5), "🔴");
        for (Map.Entry<Duration, String> m : markers.entrySet()) {
            Files.setLastModifiedTime(file, FileTime.from(now.minus(m.getKey())));
            assertThat(StatuslinePrinter.render(file.toFile(), now.toEpochMilli())).as(m.getKey().toString())
                    .isEqualTo("🔵 a:💤 idle  " + m.getValue());
        }
    }

    @Test
    void runPrintsUtf8AndReadsWhatClaudeCodePipesIn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = StatuslinePrinter.run(Map.of("APRA_FLEET_DATA_DIR", tmp.toString()),
                new ByteArrayInputStream("{\"session_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)), out);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Fleet: no status\n");
    }

    @Test
    void membersAreOrderedByStateWithTheirIcons() {
        Member a = Member.builder().id("a").friendlyName("alice").agentType(AgentType.LOCAL).icon("🔵").build();
        Member b = Member.builder().id("b").friendlyName("bob").agentType(AgentType.LOCAL).icon("🟦").build();
        Member c = Member.builder().id("c").friendlyName("carol").agentType(AgentType.LOCAL).build();
        Registry r = new Registry("1.0", List.of(a, b, c), Map.of());
        assertThat(StatuslineService.line(r, Map.of("b", MemberState.BUSY, "a", MemberState.OFFLINE)))
                .isEqualTo("🟦 bob:⚡ busy  ⚪ carol:💤 idle  🔵 alice:❌ offline");
        assertThat(StatuslineService.line(Registry.empty(), Map.of())).isEqualTo("Fleet: no members");
    }
}
