package dev.fleet.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;

/** Every guard scenario again, each script run by bash through the in-process SSH server (the member's shell). */
class GuardScriptOverSshTest extends GuardScriptTest {
    private TestSshServer server;
    private SshClient client;
    private ClientSession session;
    private final AtomicInteger scripts = new AtomicInteger();

    @Override
    protected String bash(String stdin, Map<String, String> extraEnv) throws Exception {
        if (session == null) {
            server = new TestSshServer(new TestHome(tmp.resolve("pm")), tmp.resolve("sshd"), home).start();
            client = SshClient.setUpDefaultClient();
            client.start();
            session = client.connect(TestSshServer.USER, "127.0.0.1", server.port()).verify(Duration.ofSeconds(10)).getSession();
            session.addPasswordIdentity(TestSshServer.PASSWORD);
            session.auth().verify(Duration.ofSeconds(10));
        }
        Path script = Files.writeString(tmp.resolve("script-" + scripts.incrementAndGet() + ".sh"), stdin);
        StringBuilder command = new StringBuilder();
        extraEnv.forEach((k, v) -> command.append(k).append('=').append(v).append(' '));
        command.append("bash ").append(script);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec exec = session.createExecChannel(command.toString())) {
            exec.setOut(out);
            exec.setErr(out);
            exec.open().verify(Duration.ofSeconds(10));
            assertThat(exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60)))
                    .contains(ClientChannelEvent.CLOSED);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void closeSsh() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (server != null) {
            server.close();
        }
    }
}
