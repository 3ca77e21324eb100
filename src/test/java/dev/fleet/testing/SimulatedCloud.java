package dev.fleet.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated cloud for tests: a fake EC2 endpoint whose instances, when they start, boot an SSH
 * server on a new loopback address (127.0.0.N, same port, same host key for the same instance)
 * and take it down when they stop. The PM side gets a throwaway home and the environment that
 * points fleet at the fake endpoint.
 */
public final class SimulatedCloud implements AutoCloseable {
    public final FakeEc2 ec2;
    public final TestHome home;
    public final Path memberHome;
    public final Path key;
    public final int sshPort;

    private final Path dir;
    private final AtomicInteger nextHost;
    private final List<TestSshServer> machines = new CopyOnWriteArrayList<>();
    private final Map<String, TestSshServer> current = new ConcurrentHashMap<>();
    private volatile String reusedAddress;

    /** {@code firstHost}: the last octet of the first instance address (keeps test classes apart). */
    public SimulatedCloud(Path dir, int firstHost) throws Exception {
        this.dir = dir;
        this.nextHost = new AtomicInteger(firstHost);
        this.ec2 = new FakeEc2().start();
        this.home = new TestHome(dir);
        this.memberHome = dir.resolve("instance-home");
        this.key = TestKeys.write(dir.resolve("keys/cloud.pem"), "ssh-ed25519", 256, null);
        TestKeys.authorize(memberHome, key);
        TestLogins.install(memberHome);
        try (ServerSocket s = new ServerSocket(0)) {
            this.sshPort = s.getLocalPort();
        }
    }

    /** The fleet server's environment: the fake endpoint, fake AWS keys, short waits. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(home.env());
        env.put("FLEET_EC2_ENDPOINT", ec2.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIDFLEETTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "fleet-test-secret");
        env.put("FLEET_CLOUD_POLL_MS", "50");
        env.put("FLEET_CLOUD_WAIT_MS", "20000");
        env.put("FLEET_SSH_WAIT_MS", "3000");
        return env;
    }

    /** An instance in {@code state}; a running one has booted already. */
    public FakeEc2.SimInstance machine(String id, String type, FakeEc2.State state) throws Exception {
        FakeEc2.SimInstance instance = ec2.addInstance(id, type, state);
        instance.hooks(new FakeEc2.Hooks() {
            @Override
            public String onStarted(FakeEc2.SimInstance i) throws Exception {
                return boot(id);
            }

            @Override
            public void onStopped(FakeEc2.SimInstance i) throws Exception {
                TestSshServer up = current.remove(id);
                if (up != null) {
                    up.stop();
                }
            }
        });
        if (state == FakeEc2.State.RUNNING) {
            instance.setPublicIp(boot(id));
        }
        return instance;
    }

    /** The next instance to boot gets {@code ip}, as AWS hands a released address to another instance. */
    public void nextBootAt(String ip) {
        reusedAddress = ip;
    }

    /** The instance boots with a new host key from its next start on (a reinstalled, or impersonated, machine). */
    public void newHostKey(String id) throws IOException {
        try (var keys = Files.list(dir.resolve("hostkeys-" + id))) {
            for (Path k : (Iterable<Path>) keys::iterator) {
                Files.delete(k);
            }
        }
    }

    /** The SSH server of a running instance (to take it down behind fleet's back). */
    public TestSshServer server(String id) {
        return current.get(id);
    }

    private String boot(String id) throws IOException {
        String reused = reusedAddress;
        reusedAddress = null;
        String ip = reused != null ? reused : "127.0.0." + nextHost.getAndIncrement();
        TestSshServer server = new TestSshServer(home, Files.createDirectories(dir.resolve("hostkeys-" + id)), memberHome)
                .start(ip, sshPort);
        machines.add(server);
        current.put(id, server);
        return ip;
    }

    @Override
    public void close() throws IOException {
        ec2.close();
        for (TestSshServer m : machines) {
            m.close();
        }
    }
}
