package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalChannelTest {
    @TempDir
    Path tmp;
    ExecutorService pumps = Executors.newCachedThreadPool();
    LocalChannel channel;

    @BeforeEach
    void setUp() {
        Map<String, String> env = Map.of("HOME", tmp.toString(), "USER", "tester", "SHELL", "/bin/bash", "LEAKY", "1");
        channel = new LocalChannel(OsCommands.forOs(MemberOs.LINUX), new LoginEnvironment(env, tmp),
                new SpillFiles(tmp.resolve("out"), Clock.systemUTC()), pumps);
    }

    @AfterEach
    void tearDown() {
        pumps.shutdownNow();
    }

    @Test
    void outputUnderTheCapStaysInline() throws Exception {
        CommandResult r = channel.exec(new CommandRequest("printf 'a%.0s' $(seq 100)", null, Duration.ofSeconds(10), 100));
        assertThat(r.stdout()).hasSize(100);
        assertThat(r.stdoutTruncated()).isFalse();
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void outputOverTheCapKeepsTheTailInlineAndEverythingInAFile() throws Exception {
        CommandResult r = channel.exec(new CommandRequest("seq 1 20000", null, Duration.ofSeconds(10), 1000));
        assertThat(r.stdoutTruncated()).isTrue();
        // The last 1000 bytes, shown from the first whole line among them.
        assertThat(r.stdout()).hasSizeBetween(995, 1000).endsWith("19999\n20000\n").matches("(\\d+\n)+");
        assertThat(r.stdout().lines().findFirst().orElseThrow()).isEqualTo(Integer.toString(20000 - (int) r.stdout().lines().count() + 1));
        assertThat(Files.readAllLines(Path.of(r.stdoutFullPath()))).hasSize(20000).startsWith("1", "2");
        assertThat(r.stdoutBytes()).isEqualTo(Files.size(Path.of(r.stdoutFullPath())));
        assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    void aMissingWorkFolderIsAClearError() {
        assertThatThrownBy(() -> channel.exec(new CommandRequest("true", tmp.resolve("nope").toString(), Duration.ofSeconds(5), 10)))
                .isInstanceOf(ChannelException.class).hasMessageContaining("does not exist");
    }

    @Test
    void theLoginEnvironmentReplacesTheServersOwn() throws Exception {
        CommandResult r = channel.exec(CommandRequest.probe("env", Duration.ofSeconds(10)));
        assertThat(r.stdout()).contains("HOME=" + tmp, "USER=tester").doesNotContain("LEAKY");
    }

    @Test
    void aTimeoutEndsWhatLeftTheProcessTreeWithoutASessionOfItsOwn() throws Exception {
        // The fast path (no setsid per command): the run tag still finds a child that started a session of its own.
        Map<String, String> env = Map.of("HOME", tmp.toString(), "USER", "tester", "SHELL", "/bin/bash");
        LocalChannel direct = new LocalChannel(OsCommands.forOs(MemberOs.LINUX), new LoginEnvironment(env, tmp),
                new SpillFiles(tmp.resolve("out"), Clock.systemUTC()), pumps, false);
        Path marker = tmp.resolve("escaped");
        CommandResult r = direct.exec(new CommandRequest("setsid sh -c 'sleep 2; touch " + marker + "' </dev/null >/dev/null 2>&1 & "
                + "sleep 30", null, Duration.ofMillis(500), 100));
        assertThat(r.timedOut()).isTrue();
        org.awaitility.Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(marker));
    }

    @Test
    void commandsCarryTheirMembersRunTagAsRemoteOnesDo() throws Exception {
        CommandResult r = channel.forMember("Local-7f3e9a21-b0c4").exec(
                CommandRequest.probe("printf %s \"$" + OsCommands.RUN_TAG + "\"", Duration.ofSeconds(10)));
        assertThat(r.stdout()).matches(OsCommands.runTag("Local-7f3e9a21-b0c4") + "-[0-9a-f]{32}").startsWith("local7f3e9a2-");
    }

    @Test
    void aDownloadNeverWritesThroughALinkOrFileAlreadyUnderItsName() throws Exception {
        Path source = Files.writeString(tmp.resolve("from-member.txt"), "member bytes");
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep");
        Path planted = Files.createSymbolicLink(tmp.resolve("planted.part"), victim);
        try (dev.fleet.exec.FileSession files = channel.files()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.download(source.toString(), planted, n -> { }))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.download(source.toString(), victim, n -> { }))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        }
        assertThat(victim).hasContent("keep");
        assertThat(Files.isSymbolicLink(planted)).isTrue();
    }
}
