package dev.fleet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first run of ./fleet in a fresh clone builds with Maven. Maven (as packaged by Debian, for
 * one) prints colour resets even in batch mode; an MCP client's log is not a terminal, so the
 * launcher must pass the build's messages on without them, and keep stdout for the protocol.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    @Test
    void buildOutputReachesALogWithoutTerminalEscapes() throws Exception {
        Path clone = Files.createDirectories(tmp.resolve("clone"));
        Files.copy(Path.of("fleet"), clone.resolve("fleet"));
        Files.writeString(clone.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(clone.resolve("src/main"));
        Files.writeString(clone.resolve("src/main/Source.java"), "// a source newer than any jar\n");
        Path realTarget = Path.of(System.getProperty("fleet.jar")).toAbsolutePath().getParent();

        // A stand-in for mvn that talks like Debian's Maven 3.8 and "builds" by copying the real jar.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\n"
                + "printf '\\033[0m\\033[0m'\n"
                + "printf '\\033[1;34m[INFO]\\033[m fake maven building %s\\n' \"$*\" >&2\n"
                + "mkdir -p target && cp '" + realTarget.resolve("fleet.jar") + "' target/fleet.jar"
                + " && ln -sfn '" + realTarget.resolve("lib") + "' target/lib\n"
                + "printf '\\033[0m\\033[0m' >&2\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(clone.resolve("fleet").toString(), "--version").directory(tmp.toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            // The link into the real build output goes; what it points at stays.
            Files.deleteIfExists(clone.resolve("target/lib"));
        }

        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(out)).isEqualTo("fleet " + System.getProperty("fleet.version") + "\n");
        assertThat(Files.readString(err)).contains("fleet: building", "[INFO] fake maven building", "-Dfleet.release.phase=none")
                .doesNotContain("\u001b");
    }
    @Test
    void anEditedSourceRebuildsAndAnEditorsSwapFileBesideItDoesNot() throws Exception {
        Path clone = Files.createDirectories(tmp.resolve("clone2"));
        Files.copy(Path.of("fleet"), clone.resolve("fleet"));
        Files.writeString(clone.resolve("pom.xml"), "<project/>\n");
        Path source = clone.resolve("src/main/java/Source.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "// first\n");
        Path realTarget = Path.of(System.getProperty("fleet.jar")).toAbsolutePath().getParent();
        Path builds = tmp.resolve("builds.log");
        // A stand-in for mvn that "builds" by copying the real jars, and counts its runs.
        Path bin = Files.createDirectories(tmp.resolve("bin2"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\n"
                + "echo build >> '" + builds + "'\n"
                + "mkdir -p target && cp '" + realTarget.resolve("fleet.jar") + "' '" + realTarget.resolve("fleet-relay.jar")
                + "' target/ && ln -sfn '" + realTarget.resolve("lib") + "' target/lib\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            assertThat(version(clone, bin)).as("first run builds").isZero();
            assertThat(Files.readAllLines(builds)).hasSize(1);

            // An editor's swap file comes and goes beside the source: its folder changes, no source does.
            Files.setLastModifiedTime(clone.resolve("target/fleet.jar"), java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - 60_000));
            Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
            Files.setLastModifiedTime(clone.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - 120_000));
            Path swap = Files.writeString(source.resolveSibling(".Source.java.swp"), "x");
            Files.delete(swap);
            assertThat(version(clone, bin)).isZero();
            assertThat(Files.readAllLines(builds)).as("no rebuild for a folder change").hasSize(1);

            Files.writeString(source, "// edited\n");
            assertThat(version(clone, bin)).isZero();
            assertThat(Files.readAllLines(builds)).as("an edited source rebuilds").hasSize(2);
        } finally {
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    @Test
    void theRelaysClassDataArchiveIsMadeInTheBackgroundAndMappedByTheNextRelay() throws Exception {
        Path clone = fakeClone("clone3");
        Path target = clone.resolve("target");
        Map<String, String> env = cloneEnv("3");
        Path archive = target.resolve("fleet-relay.jsa");
        try {
            // The first relay has no archive yet: it answers, and the archive follows in the background.
            assertThat(relayExchange(clone, env, tmp.resolve("relay-first.log"))).allSatisfy(line -> assertThat(line).startsWith("{\"jsonrpc\":\"2.0\""))
                    .anySatisfy(line -> assertThat(line).contains("\"id\":2", "register_member"));
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.isRegularFile(archive));
            await().atMost(Duration.ofSeconds(10)).until(() -> leftovers(target).isEmpty());
            assertThat(target.resolve("fleet-relay.jsa.failed")).doesNotExist();

            // The next relay maps it: -Xshare:on makes its JVM refuse to start otherwise, and its own
            // classes come from that one archive (a dynamic archive would say "(top)").
            Map<String, String> strict = new HashMap<>(env);
            strict.put("FLEET_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:stderr");
            Path log = tmp.resolve("relay-classes.log");
            assertThat(relayExchange(clone, strict, log)).anySatisfy(line -> assertThat(line).contains("\"id\":2", "register_member"));
            assertThat(log).content().contains("dev.fleet.daemon.Relay source: shared objects file\n");
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(target.resolve("lib"));
        }
    }

    /**
     * A message of several megabytes (a long prompt, a file's text in an argument) passes the
     * relay the launcher runs, as it passes a standalone server: the relay's small heap once ended
     * it there, and every call of the session with it.
     */
    @Test
    void aMessageOfSeveralMegabytesPassesTheRelayAndTheSessionGoesOn() throws Exception {
        Path clone = fakeClone("clone7");
        Map<String, String> env = cloneEnv("7");
        try {
            String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"list_members\","
                    + "\"arguments\":{\"padding\":\"%s\"}}}";
            // 12 MB passes; 20 MB, more than fleet takes (16 MB, as over HTTP), is refused; the session goes on.
            List<String> lines = relayMessages(clone, env, tmp.resolve("relay7.log"),
                    String.format(call, 2, "x".repeat(12 * 1024 * 1024)), String.format(call, 4, "y".repeat(20 * 1024 * 1024)),
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"id\":2").doesNotContain("longer than fleet takes"))
                    .anySatisfy(line -> assertThat(line).contains("\"id\":4", "-32600", "longer than fleet takes"))
                    .anySatisfy(line -> assertThat(line).contains("\"id\":3", "register_member"));
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    /**
     * A daemon that cannot start (its socket path longer than a socket's may be) is not waited for:
     * the client's first answer says why, from the daemon's own words in the log.
     */
    @Test
    void aDaemonThatCannotStartIsReportedWithItsReason() throws Exception {
        Path clone = fakeClone("clone9");
        Map<String, String> env = new java.util.HashMap<>(cloneEnv("9"));
        Path deep = Files.createDirectories(tmp.resolve("d".repeat(60) + "/" + "e".repeat(60)));
        env.put("APRA_FLEET_DATA_DIR", deep.toString());
        try {
            List<String> lines = relayExchange(clone, env, tmp.resolve("relay9.log"));
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("the fleet daemon cannot start", "cannot listen on",
                    "too long for a socket"));
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    /**
     * After a daemon serving HTTP was killed, the daemon the launcher starts beside the next relay
     * takes its options from the lock's record, so the address is served again; when that address
     * was taken meanwhile, the relay starts one with the defaults and the client is served.
     */
    @Test
    void theDaemonTheLauncherStartsAfterAKilledOneTakesItsOptionsOrElseTheDefaults() throws Exception {
        Path clone = fakeClone("clone10");
        Map<String, String> env = cloneEnv("10");
        Path data = Files.createDirectories(tmp.resolve("data10"));
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // The record a daemon killed with kill -9 leaves: its pid is gone, and no "stopped" line.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String killed = "pid " + gone.pid() + "\nbuild 0\noption --http\noption 127.0.0.1:" + port + "\noption --idle-exit\noption 420s\n";
        Files.writeString(data.resolve("daemon.lock"), killed);
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay10.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            assertThat(launch(clone, env, "daemon", "status")).contains("http: http://127.0.0.1:" + port + "/mcp");
            launch(clone, env, "daemon", "stop");

            Files.writeString(data.resolve("daemon.lock"), killed);
            try (java.net.ServerSocket taken = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(relayExchange(clone, env, tmp.resolve("relay10b.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
                assertThat(launch(clone, env, "daemon", "status")).contains("http: off");
                assertThat(Files.readString(data.resolve("daemon.log"))).contains("fleet: the daemon cannot start: Address already in use");
            }
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    /**
     * The daemon the launcher starts beside a relay runs with the user's umask, as one started by
     * `fleet daemon restart` does: files its commands make on a local member and files it receives
     * are as open as from a terminal. Only its new log is owner-only.
     */
    @Test
    void theDaemonTheLauncherStartsKeepsTheUsersUmaskAndItsNewLogIsPrivate() throws Exception {
        Path clone = fakeClone("clone11");
        Path data = Files.createDirectories(tmp.resolve("data11"));
        Map<String, String> env = cloneEnv("11");
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay11.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            String pid = Files.readAllLines(data.resolve("daemon.lock")).stream().filter(l -> l.startsWith("pid "))
                    .findFirst().orElseThrow().substring(4);
            assertThat(umaskOf("/proc/" + pid + "/status")).as("the daemon's umask").isEqualTo(umaskOf("/proc/self/status"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("daemon.log"))))
                    .isEqualTo("rw-------");
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    /**
     * Links planted in the data dir before the launcher starts a daemon: the log is not appended
     * through, the lock record gives no options, and the folders the launcher makes on the way to
     * the data dir are owner-only.
     */
    @Test
    void theLauncherWritesTheDaemonsLogIntoAFileOfItsOwnNeverThroughALink() throws Exception {
        Path clone = fakeClone("clone13");
        Path home = Files.createDirectories(tmp.resolve("home13"));
        Path data = home.resolve("made/on/the/way/data");
        Map<String, String> env = Map.of("HOME", home.toString(), "APRA_FLEET_DATA_DIR", data.toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay13a.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            for (String folder : List.of("made", "made/on", "made/on/the", "made/on/the/way", "made/on/the/way/data")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(folder)))).as(folder)
                        .isEqualTo("rwx------");
            }
            launch(clone, env, "daemon", "stop");

            Path bashrc = Files.writeString(home.resolve(".bashrc"), "export MINE=1\n");
            Files.delete(data.resolve("daemon.log"));
            Files.createSymbolicLink(data.resolve("daemon.log"), bashrc);
            Path planted = Files.writeString(tmp.resolve("planted-record"), "pid 1\noption --idle-exit\noption 419s\n");
            Files.delete(data.resolve("daemon.lock"));
            Files.createSymbolicLink(data.resolve("daemon.lock"), planted);

            assertThat(relayExchange(clone, env, tmp.resolve("relay13b.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            // The daemon's first lines come a moment after the relay's answer: waited for before the checks.
            await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Files.readString(data.resolve("daemon.log")).contains("serving"));
            assertThat(Files.isSymbolicLink(data.resolve("daemon.log"))).isFalse();
            assertThat(bashrc).hasContent("export MINE=1");
            assertThat(planted).hasContent("pid 1\noption --idle-exit\noption 419s");
            // The planted record's options were not taken: the daemon runs without them. (Not a
            // bare "419" in the status: the test's temporary folder has random digits in its name.)
            String status = launch(clone, env, "daemon", "status");
            java.util.regex.Matcher pid = java.util.regex.Pattern.compile("running, pid (\\d+)").matcher(status);
            assertThat(pid.find()).as(status).isTrue();
            String daemonArgs = Files.readString(Path.of("/proc", pid.group(1), "cmdline")).replace('\0', ' ');
            assertThat(daemonArgs).contains(" daemon").doesNotContain("419s").doesNotContain("--idle-exit");
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    /**
     * A data dir another user can write to is refused: the launcher starts no daemon there and
     * writes no log into it, and the client is told why by the relay.
     */
    @Test
    void theLauncherLeavesADataDirOthersCanWriteToAsItIs() throws Exception {
        Path clone = fakeClone("clone14");
        Path home = Files.createDirectories(tmp.resolve("home14"));
        Path data = Files.createDirectories(tmp.resolve("shared14"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        Map<String, String> env = Map.of("HOME", home.toString(), "APRA_FLEET_DATA_DIR", data.toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay14.log"))).anySatisfy(line -> assertThat(line)
                    .contains("\"id\":2", "\"error\"", data + ": other users can write to it (mode rwxrwxrwx)"));
            try (var left = Files.list(data)) {
                assertThat(left).isEmpty();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxrwxrwx");
        } finally {
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    private static String umaskOf(String procStatus) throws IOException {
        return Files.readAllLines(Path.of(procStatus)).stream().filter(l -> l.startsWith("Umask:")).findFirst().orElseThrow();
    }

    /** The launcher starts the daemon with its log rotated at 10 MB, as `fleet daemon restart` does. */
    @Test
    void theDaemonTheLauncherStartsGetsALogRotatedAtTenMegabytes() throws Exception {
        Path clone = fakeClone("clone8");
        Path data = Files.createDirectories(tmp.resolve("data8"));
        Map<String, String> env = cloneEnv("8");
        Files.write(data.resolve("daemon.log"), new byte[11 * 1024 * 1024]);
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay8.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            assertThat(Files.size(data.resolve("daemon.log.1"))).isEqualTo(11L * 1024 * 1024);
            assertThat(Files.size(data.resolve("daemon.log"))).isLessThan(1024 * 1024);
            assertThat(Files.readString(data.resolve("daemon.log"))).contains("serving");
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    @Test
    void theRelaysArchiveRecordingNeverStartsADaemonOfItsOwn() throws Exception {
        Path clone = fakeClone("clone5");
        Path data = tmp.resolve("data5");
        Map<String, String> env = cloneEnv("5");
        try {
            assertThat(relayExchange(clone, env, tmp.resolve("relay5.log"))).anySatisfy(line -> assertThat(line).contains("\"id\":2"));
            // The daemon goes about when the recording (a second after the daemon is up) begins:
            // before it, and the recording gives up after 10 s; during it, and the recording relay
            // fails (RelayRecordingTest); after it, and the archive is made. In no case does the
            // recording start a daemon of its own.
            assertThat(launch(clone, env, "daemon", "stop")).contains("fleet daemon stopped");
            Thread.sleep(13_000);
            assertThat(launch(clone, env, 3, "daemon", "status")).contains("not running");
            assertThat(Files.readString(data.resolve("daemon.log"))).containsOnlyOnce("serving");
            assertThat(leftovers(clone.resolve("target"))).isEmpty();
        } finally {
            launch(clone, env, "daemon", "stop");
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    @Test
    void aShortFirstServerRunWithRemoteMembersRecordsTheSshClassesAndVersionRecordsNothing() throws Exception {
        Path clone = fakeClone("clone4");
        TestHome home = new TestHome(tmp.resolve("h4"));
        Map<String, String> env = new HashMap<>(home.env());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Path target = clone.resolve("target");
        TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd4")).start();
        try {
            // `fleet --version` loads too little to be what every later command maps.
            assertThat(launch(clone, env, "--version")).contains("fleet ");
            assertThat(target.resolve("fleet-cli.jsa")).doesNotExist();
            assertThat(launch(clone, env, "call", "register_member", "{\"friendly_name\":\"r\",\"member_type\":\"remote\","
                    + "\"host\":\"127.0.0.1\",\"port\":" + sshd.port() + ",\"username\":\"" + TestSshServer.USER
                    + "\",\"auth_type\":\"password\",\"password\":\"" + TestSshServer.PASSWORD + "\",\"work_folder\":\""
                    + tmp.resolve("w4") + "\"}")).contains("Registered member r");
            assertThat(target.resolve("fleet-cli.jsa")).exists();

            // The first server after the build ends right after tools/list, long before its SSH
            // warm-up would finish by itself: it waits for it, and the archive holds MINA's classes and
            // fleet's Ed25519 through the JDK; Bouncy Castle's provider is never built.
            assertThat(relayExchange(clone, env, tmp.resolve("server4.log"), "serve", "--standalone"))
                    .anySatisfy(line -> assertThat(line).contains("\"id\":2", "register_member"));
            assertThat(target.resolve("fleet.jsa")).exists();
            assertThat(archivedClasses(target.resolve("fleet.jsa"), target.resolve("fleet.jar")))
                    .contains("org.apache.sshd.client.SshClient", "org.apache.sshd.common.cipher.BuiltinCiphers",
                            "org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter",
                            "dev.fleet.exec.ssh.JdkEd25519")
                    .doesNotContain("org.bouncycastle.jce.provider.BouncyCastleProvider");
        } finally {
            sshd.stop();
            Files.deleteIfExists(target.resolve("lib"));
        }
    }

    @Test
    void aFleetOfLocalMembersNeverSetsUpSshOrBouncyCastle() throws Exception {
        Path clone = fakeClone("clone5");
        Map<String, String> env = new HashMap<>(cloneEnv("5"));
        try {
            // Idle memory and start-up of a fleet without remote members pay nothing for SSH.
            Path register = tmp.resolve("classes5-register.log");
            env.put("FLEET_JAVA_OPTS", "-Xlog:class+load=info:file=" + register);
            assertThat(launch(clone, env, "call", "register_member", "{\"friendly_name\":\"l\",\"member_type\":\"local\","
                    + "\"work_folder\":\"" + Files.createDirectories(tmp.resolve("w5")) + "\"}")).contains("Registered member l");
            Path exec = tmp.resolve("classes5-exec.log");
            env.put("FLEET_JAVA_OPTS", "-Xlog:class+load=info:file=" + exec);
            assertThat(launch(clone, env, "call", "execute_command", "{\"member_name\":\"l\",\"command\":\"echo hi\"}"))
                    .contains("hi");
            for (Path log : List.of(register, exec)) {
                // A few of MINA's interfaces are named by fleet's own types; its client and its
                // security set-up (which builds Bouncy Castle's provider) are not loaded.
                assertThat(Files.readString(log)).as(log.toString()).contains("dev.fleet.Fleet ")
                        .doesNotContain("org.bouncycastle.", "org.apache.sshd.common.util.security.",
                                "org.apache.sshd.client.SshClient ");
            }
        } finally {
            Files.deleteIfExists(clone.resolve("target/lib"));
        }
    }

    @Test
    void anArchiveRecordedByAnotherJavaRuntimeIsRemovedAndRecordedAgain() throws Exception {
        Path clone = fakeClone("clone6");
        Path target = clone.resolve("target");
        Map<String, String> env = cloneEnv("6");
        Path archive = target.resolve("fleet-cli.jsa");
        Path stamp = target.resolve("fleet-cli.jsa.jdk");
        String thisRuntime = System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
        try {
            assertThat(launch(clone, env, "members")).contains("No members");
            assertThat(archive).exists();
            assertThat(Files.readAllLines(stamp)).first().isEqualTo(thisRuntime);

            // A Java update: the JVM would start without the archive, silently, every time.
            Files.writeString(stamp, "/opt/an-older-java 17.0.1+12\n");
            assertThat(launch(clone, env, "members")).contains("No members", "fleet-cli.jsa was recorded by another Java runtime");
            assertThat(archive).doesNotExist();
            assertThat(stamp).doesNotExist();

            // The next start records one for this runtime, and the one after maps it (with
            // -Xshare:on the JVM refuses to start otherwise).
            assertThat(launch(clone, env, "members")).doesNotContain("another Java runtime");
            assertThat(archive).exists();
            assertThat(Files.readAllLines(stamp)).first().isEqualTo(thisRuntime);
            Map<String, String> strict = new HashMap<>(env);
            strict.put("FLEET_JAVA_OPTS", "-Xshare:on");
            assertThat(launch(clone, strict, "members")).contains("No members").doesNotContain("another Java runtime");
            assertThat(archive).exists();
        } finally {
            Files.deleteIfExists(target.resolve("lib"));
        }
    }

    @Test
    void anArchiveOfAJarReplacedUnderAnOlderDateIsRemovedAndRecordedAgain() throws Exception {
        // A release unpacked over an install keeps its build date, older than the archive recorded
        // since: the launcher's date check passes the archive on, and the JVM cannot map it.
        Path clone = fakeClone("clone7");
        Path target = clone.resolve("target");
        Path jar = target.resolve("fleet.jar");
        Map<String, String> env = cloneEnv("7");
        Path archive = target.resolve("fleet-cli.jsa");
        Path stamp = target.resolve("fleet-cli.jsa.jdk");
        try {
            assertThat(launch(clone, env, "members")).contains("No members");
            assertThat(archive).exists();
            assertThat(Files.readAllLines(stamp)).hasSize(2).last().asString()
                    .isEqualTo("jar fleet.jar " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis());

            FileTime older = FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() - 3_600_000);
            Files.setLastModifiedTime(jar, older);
            // Still no build: the clone's sources stay older than its jar.
            Files.setLastModifiedTime(clone.resolve("pom.xml"), FileTime.fromMillis(older.toMillis() - 60_000));
            assertThat(launch(clone, env, "members")).contains("No members", "fleet-cli.jsa was recorded with another fleet jar");
            assertThat(archive).doesNotExist();
            assertThat(stamp).doesNotExist();

            // The next start records one for this jar, and the one after maps it (with -Xshare:on
            // the JVM refuses to start otherwise).
            assertThat(launch(clone, env, "members")).doesNotContain("another fleet jar");
            assertThat(archive).exists();
            Map<String, String> strict = new HashMap<>(env);
            strict.put("FLEET_JAVA_OPTS", "-Xshare:on");
            assertThat(launch(clone, strict, "members")).contains("No members").doesNotContain("another fleet jar");
            assertThat(archive).exists();
        } finally {
            Files.deleteIfExists(target.resolve("lib"));
        }
    }

    /** The names of the classes a class-data archive holds, from the JVM's listing ("12: a.B app_loader"). */
    private static List<String> archivedClasses(Path archive, Path jar) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit", "-jar", jar.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::strip).filter(l -> l.matches("\\d+: \\S+ \\S+")).map(l -> l.split(" ")[1]).toList();
    }

    /** A home and data dir of their own (named by {@code n}), and this JVM's Java. */
    private Map<String, String> cloneEnv(String n) throws IOException {
        return Map.of("HOME", Files.createDirectories(tmp.resolve("home" + n)).toString(),
                "APRA_FLEET_DATA_DIR", tmp.resolve("data" + n).toString(), "JAVA_HOME", System.getProperty("java.home"));
    }

    /** A clone whose jars are the real build's, newer than its sources (so no build runs). */
    private Path fakeClone(String name) throws IOException {
        Path clone = Files.createDirectories(tmp.resolve(name));
        Files.copy(Path.of("fleet"), clone.resolve("fleet"));
        Path realTarget = Path.of(System.getProperty("fleet.jar")).toAbsolutePath().getParent();
        Path target = Files.createDirectories(clone.resolve("target"));
        Files.copy(realTarget.resolve("fleet.jar"), target.resolve("fleet.jar"));
        Files.copy(realTarget.resolve("fleet-relay.jar"), target.resolve("fleet-relay.jar"));
        Files.createSymbolicLink(target.resolve("lib"), realTarget.resolve("lib"));
        Files.writeString(clone.resolve("pom.xml"), "<project/>\n");
        Files.setLastModifiedTime(clone.resolve("pom.xml"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.createDirectories(clone.resolve("src/main"));
        return clone;
    }

    /** Runs the clone's launcher with stdin closed; returns stdout and stderr together. */
    private static String launch(Path clone, Map<String, String> env, String... args) throws Exception {
        return launch(clone, env, 0, args);
    }

    private static String launch(Path clone, Map<String, String> env, int exit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(clone.resolve("fleet").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(exit);
        return out;
    }

    /** Starts {@code fleet serve} as an MCP client does, sends initialize and tools/list, and returns stdout once it ended. */
    private static List<String> relayExchange(Path clone, Map<String, String> env, Path stderr, String... serve) throws Exception {
        return relayExchange(clone, env, stderr, List.of(serve), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    }

    /** {@code initialize}, {@code notifications/initialized}, then {@code messages}, one per line, through {@code fleet serve}. */
    private static List<String> relayMessages(Path clone, Map<String, String> env, Path stderr, String first, String... messages)
            throws Exception {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(messages));
        return relayExchange(clone, env, stderr, List.of(), all.toArray(String[]::new));
    }

    private static List<String> relayExchange(Path clone, Map<String, String> env, Path stderr, List<String> serve,
                                              String... messages) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(clone.resolve("fleet").toString()));
        cmd.addAll(serve.isEmpty() ? List.of("serve") : serve);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (OutputStream in = p.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + String.join("\n", messages) + "\n").getBytes(StandardCharsets.UTF_8));
            in.close();
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } finally {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the relay ends once its input has").isTrue();
        }
        return lines;
    }

    private static List<Path> leftovers(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("fleet-relay\\.\\d+\\..*")).toList();
        }
    }

    private int version(Path clone, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(clone.resolve("fleet").toString(), "--version").directory(tmp.toFile());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
