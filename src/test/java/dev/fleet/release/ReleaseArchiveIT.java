package dev.fleet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: checked against its checksum file, unpacked into a
 * read-only folder, and started with a PATH that has a Java runtime but no Maven.
 */
class ReleaseArchiveIT {
    private static final String VERSION = System.getProperty("fleet.version");
    private static final Path TARGET = Path.of(System.getProperty("fleet.release.dir", "target"));

    /** What bin/fleet needs besides java; deliberately no mvn. */
    private static final List<String> SHELL_TOOLS = List.of("bash", "dirname", "uname", "cksum", "cut", "sed", "head",
            "mkdir", "chmod", "mv", "rm", "readlink", "sleep", "ls");

    @TempDir
    Path tmp;

    @Test
    void checksumFileMatchesBothArchives() throws Exception {
        Path sums = TARGET.resolve("fleet-" + VERSION + ".sha256");
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(sums)) {
            // sha256sum format: "<hex> *<name>" (binary) or "<hex>  <name>"
            String[] parts = line.split("\\s+\\*?", 2);
            expected.put(parts[1], parts[0]);
        }
        assertThat(expected).containsOnlyKeys("fleet-" + VERSION + ".tar.gz", "fleet-" + VERSION + ".zip");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(sha256(TARGET.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void zipHoldsTheSameLayoutWithWindowsLauncher() throws Exception {
        try (ZipFile zip = new ZipFile(TARGET.resolve("fleet-" + VERSION + ".zip").toFile())) {
            String base = "fleet-" + VERSION + "/";
            for (String name : List.of("bin/fleet", "bin/fleet.cmd", "lib/fleet.jar", "lib/fleet-relay.jar", "LICENSE",
                    "THIRD-PARTY-NOTICES.txt")) {
                assertThat(zip.getEntry(base + name)).as(name).isNotNull();
            }
            String cmd = new String(zip.getInputStream(zip.getEntry(base + "bin/fleet.cmd")).readAllBytes());
            assertThat(cmd).contains("\r\n", "lib\\fleet.jar", "lib\\fleet-relay.jar");
            // Like the Unix launchers: an archive per kind of start, named to the JVM so that fleet
            // removes one a Java or fleet update cannot map, and the JVM's archive messages off stdout.
            assertThat(cmd).contains("fleet-relay", "fleet-daemon", "fleet-cli", "\"-Dfleet.classdata.archive=%FLEET_ARCHIVE%\"",
                    "-Dfleet.classdata.recording=true", "-Xlog:cds=off:stderr");
            // And the same JVM options per kind: the relay's small G1 heap, the servers' early
            // compilation of the transfer path (its output kept off stdout).
            assertThat(cmd).contains("%FLEET_KIND_OPTS%", "-XX:+UseG1GC -Xss256k -Xms8m -Xmx96m",
                    "-XX:CompileCommand=quiet \"-XX:CompileCommand=option,com.sun.crypto.provider.*::*");
        }
    }

    @Test
    void bouncyCastleShipsOnceAndWithoutSignatureFiles() throws Exception {
        try (ZipFile zip = new ZipFile(TARGET.resolve("fleet-" + VERSION + ".zip").toFile())) {
            for (String name : List.of("bcprov", "bcpkix", "bcutil")) {
                List<String> copies = zip.stream().map(java.util.zip.ZipEntry::getName)
                        .filter(n -> n.contains("/lib/" + name + "-")).toList();
                assertThat(copies).as(name).hasSize(1);
                Path jar = Files.write(tmp.resolve(name + ".jar"), zip.getInputStream(zip.getEntry(copies.get(0))).readAllBytes());
                try (java.util.jar.JarFile bc = new java.util.jar.JarFile(jar.toFile())) {
                    // Signed, the JVM would check every class it reads and keep none in a class-data
                    // archive; and every start would parse a manifest listing a digest of each class.
                    assertThat(bc.stream().map(java.util.zip.ZipEntry::getName)).as(name)
                            .noneMatch(n -> n.startsWith("META-INF/") && n.matches("(?i).*\\.(sf|rsa|dsa|ec)$"));
                    assertThat(bc.getManifest().getEntries()).as(name + ": no per-class digests").isEmpty();
                    // Their classes for newer JDKs are found only in a multi-release jar.
                    assertThat(bc.isMultiRelease()).as(name).isTrue();
                }
            }
            try (java.util.jar.JarFile bc = new java.util.jar.JarFile(tmp.resolve("bcprov.jar").toFile())) {
                assertThat(bc.getEntry("META-INF/services/java.security.Provider")).isNotNull();
            }
        }
    }

    /**
     * The AWS SDK sits in lib/aws, off the class path every start opens, and fleet.jar's manifest
     * lists exactly those jars for the class loader of the first cloud call (AwsRuntime).
     */
    @Test
    void theAwsSdkShipsInLibAwsOffTheClassPathAndFleetJarListsEachOfItsJars() throws Exception {
        try (ZipFile zip = new ZipFile(TARGET.resolve("fleet-" + VERSION + ".zip").toFile())) {
            String lib = "fleet-" + VERSION + "/lib/";
            List<String> names = zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith(lib)).toList();
            List<String> awsJars = names.stream().filter(n -> n.startsWith(lib + "aws/") && n.endsWith(".jar"))
                    .map(n -> n.substring(lib.length())).toList();
            assertThat(awsJars).as("lib/aws").anyMatch(n -> n.startsWith("aws/ec2-")).anyMatch(n -> n.startsWith("aws/sdk-core-"));
            assertThat(names).as("no SDK jar beside fleet.jar").noneMatch(n -> n.matches(".*/lib/(ec2|sdk-core|aws-core|regions)-[^/]*\\.jar"));
            Path jar = Files.write(tmp.resolve("fleet.jar"), zip.getInputStream(zip.getEntry(lib + "fleet.jar")).readAllBytes());
            try (java.util.jar.JarFile fleet = new java.util.jar.JarFile(jar.toFile())) {
                java.util.jar.Attributes main = fleet.getManifest().getMainAttributes();
                List<String> classPath = List.of(main.getValue("Class-Path").trim().split("\\s+"));
                assertThat(classPath).anyMatch(e -> e.startsWith("mcp-core-")).anyMatch(e -> e.startsWith("sshd-core-"));
                for (String entry : classPath) {
                    assertThat(names).as("class-path entry " + entry).contains(lib + entry);
                    assertThat(entry).as("class-path entry").doesNotContain("aws/");
                }
                List<String> listed = List.of(main.getValue("Fleet-Aws-Class-Path").trim().split("\\s+"));
                assertThat(listed).containsExactlyInAnyOrderElementsOf(awsJars);
            }
        }
    }

    @Test
    void unpackedArchiveServesWithOnlyJavaOnThePath() throws Exception {
        Path install = tmp.resolve("opt");
        Files.createDirectories(install);
        run(List.of("tar", "-xzf", TARGET.resolve("fleet-" + VERSION + ".tar.gz").toString(), "-C", install.toString()), Map.of());
        Path root = install.resolve("fleet-" + VERSION);
        Path launcher = root.resolve("bin/fleet");
        assertThat(Files.isExecutable(launcher)).isTrue();
        assertThat(root.resolve("LICENSE")).content().contains("Apache License");
        assertThat(root.resolve("THIRD-PARTY-NOTICES.txt")).content().contains("sshd-core", "jackson-databind", "mcp-core");
        readOnly(root);

        Path bin = Files.createDirectories(tmp.resolve("path-bin"));
        forward(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        for (String tool : SHELL_TOOLS) {
            forward(bin.resolve(tool), which(tool));
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", bin.toString());
        env.put("APRA_FLEET_DATA_DIR", tmp.resolve("data").toString());
        assertThat(run(List.of(bin.resolve("bash").toString(), "-c", "command -v mvn || echo no-maven"), env)).contains("no-maven");

        // Claude Code's status line runs this often: it answers without recording a class-data archive.
        Path cache = home.resolve(".cache/fleet");
        assertThat(run(List.of(launcher.toString(), "statusline"), env)).contains("Fleet: no status");
        assertThat(Files.isDirectory(cache) ? jsaFiles(cache) : 0).isZero();

        // The JVM options the launcher gives (compiler commands among them) print nothing of their own.
        assertThat(run(List.of(launcher.toString(), "--version"), env)).contains("fleet " + VERSION).doesNotContain("CompileCommand");
        // ... and records nothing: it loads too little to be what every later command maps.
        assertThat(Files.isDirectory(cache) ? jsaFiles(cache) : 0).isZero();

        McpSyncClient client = McpClient.sync(new StdioClientTransport(
                        ServerParameters.builder(launcher.toString()).args("serve").env(env).build(),
                        new JacksonMcpJsonMapper(new ObjectMapper())))
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().version()).isEqualTo(VERSION);
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).contains("register_member", "execute_command", "fleet_status");
        } finally {
            client.closeGracefully();
        }
        // The class-data archives are recorded in the user's cache, never in the (read-only) install
        // folder; the relay's is its own, so it never stands in for the server's. It is made in the
        // background once the first relay has started and its daemon is up (without flock on the
        // PATH here, so without the lock that keeps recordings to one at a time).
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.isDirectory(cache) && cacheHolds("fleet-relay-\\d+\\.jsa")
                && !cacheHolds("fleet-relay-\\d+\\.\\d+\\..*"));
        assertThat(cacheHolds("fleet-relay-\\d+\\.jsa\\.failed")).isFalse();
        // The next relay maps it: with -Xshare:on its JVM would refuse to start otherwise, and its
        // own classes come from that one archive (from a dynamic one they would say "(top)").
        Map<String, String> strict = new LinkedHashMap<>(env);
        strict.put("FLEET_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:stderr");
        assertThat(run(List.of(launcher.toString(), "serve"), strict)).contains("dev.fleet.daemon.Relay source: shared objects file\n");
        // fleet serve relayed to the user's daemon, which the launcher started; it stops on request.
        assertThat(run(List.of(launcher.toString(), "daemon", "stop"), env)).contains("fleet daemon stopped");
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsa"))).isEmpty();
        }
        // The daemon's own, recorded as its JVM ended (just after it let go of its socket).
        await().atMost(Duration.ofSeconds(30)).until(() -> cacheHolds("fleet-daemon-\\d+\\.\\d+\\.jsa"));
        // Each kind of start keeps its own: the next command-line start adopts the one the first
        // (`daemon stop`) recorded, and still answers; no command-line run recorded the server's or
        // the daemon's.
        // The JVM options the launcher gives (compiler commands among them) print nothing of their own.
        assertThat(run(List.of(launcher.toString(), "--version"), env)).contains("fleet " + VERSION).doesNotContain("CompileCommand");
        assertThat(cacheHolds("fleet-cli-\\d+\\.jsa")).isTrue();
        assertThat(cacheHolds("fleet-\\d+(\\.\\d+)?\\.jsa")).as("no standalone server ran").isFalse();

        // Each archive names the Java runtime and the jar that recorded it. After a Java update the
        // first start that finds one of another runtime removes it and says so, and the next records a new one.
        String thisRuntime = System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
        assertThat(Files.readAllLines(cacheFile("fleet-relay-\\d+\\.jsa\\.jdk")))
                .containsExactly(thisRuntime, jarLine(root.resolve("lib/fleet-relay.jar")));
        Path cliStamp = cacheFile("fleet-cli-\\d+\\.jsa\\.jdk");
        assertThat(Files.readAllLines(cliStamp)).containsExactly(thisRuntime, jarLine(root.resolve("lib/fleet.jar")));
        Files.writeString(cliStamp, "/opt/an-older-java 17.0.1+12\n");
        assertThat(run(List.of(launcher.toString(), "--version"), env)).contains("fleet " + VERSION, "recorded by another Java runtime");
        assertThat(cacheHolds("fleet-cli-\\d+\\.jsa")).isFalse();
        assertThat(run(List.of(launcher.toString(), "members"), env)).doesNotContain("another Java runtime");
        assertThat(run(List.of(launcher.toString(), "--version"), env)).doesNotContain("another Java runtime");
        assertThat(cacheHolds("fleet-cli-\\d+\\.jsa")).isTrue();
        assertThat(Files.readAllLines(cliStamp)).first().isEqualTo(thisRuntime);
    }

    /** How an archive's stamp names the jar it was recorded with. */
    private static String jarLine(Path jar) throws IOException {
        return "jar " + jar.getFileName() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
    }

    private Path cacheFile(String namePattern) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("home/.cache/fleet"))) {
            return s.filter(p -> p.getFileName().toString().matches(namePattern)).findFirst()
                    .orElseThrow(() -> new AssertionError("no file like " + namePattern + " in the cache"));
        }
    }

    private boolean cacheHolds(String namePattern) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("home/.cache/fleet"))) {
            return s.anyMatch(p -> p.getFileName().toString().matches(namePattern));
        }
    }

    private static long jsaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jsa")).count();
        }
    }

    private static void readOnly(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.removeAll(Set.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE));
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    /** A one-line script that runs the real program: the PATH offers exactly these names. */
    private static void forward(Path script, Path real) throws IOException {
        Files.writeString(script, "#!/bin/sh\nexec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p) && !dir.isEmpty()) {
                return p;
            }
        }
        throw new AssertionError(tool + " is not on PATH");
    }

    private static String run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish");
        }
        String text = new String(out);
        assertThat(p.exitValue()).as(String.join(" ", cmd) + " said: " + text).isZero();
        return text;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
