package dev.fleet.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.member.DataDir;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry from elsewhere is not trusted: its members meet register_member's rules, or nothing is imported. */
class RegistryImportRulesTest {
    @TempDir
    Path tmp;
    DataDir data;
    RegistryImport importer;
    Path source;

    @BeforeEach
    void setUp() throws Exception {
        data = new DataDir(tmp.resolve("fleet-data"));
        RegistryCodec codec = new RegistryCodec(new ObjectMapper());
        importer = new RegistryImport(new RegistryStore(data, codec), data, codec,
                new SecretBox(data.saltFile(), "test-identity"));
        source = Files.createDirectories(tmp.resolve("other"));
    }

    private RegistryImport.ImportException refused(String registry) throws Exception {
        Files.writeString(source.resolve("registry.json"), registry);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> importer.apply(source, "h", "u"));
        assertThat(t).isInstanceOf(RegistryImport.ImportException.class);
        assertThat(data.registryFile()).doesNotExist();
        return (RegistryImport.ImportException) t;
    }

    @Test
    void aLocalMemberWithARelativeWorkFolderIsRefusedNamingTheField() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"r1\",\"friendlyName\":\"rel\",\"agentType\":\"local\",\"workFolder\":\"../x\"}]}");
        assertThat(e.getMessage()).contains("member 1 (rel)").contains("workFolder").contains("must be an absolute path");
    }

    @Test
    void aNameWithControlCharactersIsRefusedAndShownEscaped() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"a1\",\"friendlyName\":\"bad\\u001b[31mRED\\nline2\",\"agentType\":\"local\","
                + "\"workFolder\":\"/w\"}]}");
        assertThat(e.getMessage()).contains("friendlyName must be 1 to 64 characters")
                .contains("bad\\u001B[31mRED\\u000Aline2").doesNotContain("\u001b").doesNotContain("RED\nline2");
    }

    @Test
    void aMemberWithoutIdOrNameIsRefusedInsteadOfStoredWithNulls() throws Exception {
        assertThat(refused("{\"agents\":[{\"id\":\"x\"}]}").getMessage())
                .contains("friendlyName is missing").contains("workFolder is missing").contains("host is missing");
        assertThat(refused("{\"agents\":[{\"friendlyName\":\"n\",\"agentType\":\"local\",\"workFolder\":\"/w\"}]}").getMessage())
                .contains("member 1 (n): id is missing");
    }

    @Test
    void badHostUserPortAndKeyPathAreEachNamed() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"a2\",\"friendlyName\":\"ok\",\"host\":\"-oProxyCommand=x\",\"username\":\"u;rm\","
                + "\"port\":99999,\"authType\":\"key\",\"keyPath\":\"rel/key\",\"workFolder\":\"/w\"}]}");
        assertThat(e.getMessage()).contains("host must be a hostname").contains("username must be 1 to 64")
                .contains("port must be between 1 and 65535").contains("keyPath must be an absolute path");
    }

    @Test
    void aCloudBlockIsHeldToTheRulesOfRegistrationToo() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"c1\",\"friendlyName\":\"gpu\",\"host\":\"127.0.0.1\",\"username\":\"me\","
                + "\"workFolder\":\"/w\",\"cloud\":{\"provider\":\"aws\",\"instanceId\":\"i-; rm\","
                + "\"region\":\"x.example.com/?\",\"profile\":\"a b\"}}]}");
        assertThat(e.getMessage()).contains("cloud.instanceId must be 'i-'", "cloud.region must be an AWS region name",
                "cloud.profile must be 1 to 64 characters");
    }

    @Test
    void anIconHoldingATerminalEscapeIsRefusedAndShownEscaped() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"i1\",\"friendlyName\":\"ico\",\"agentType\":\"local\","
                + "\"workFolder\":\"/w\",\"icon\":\"\\u001b]0;PWN\\u0007\"}]}");
        assertThat(e.getMessage()).contains("member 1 (ico): icon must be a named alias")
                .contains("\\u001B]0;PWN\\u0007").doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(refused("{\"agents\":[{\"id\":\"i2\",\"friendlyName\":\"long\",\"agentType\":\"local\","
                + "\"workFolder\":\"/w\",\"icon\":\"a very long icon text\"}]}").getMessage()).contains("icon must be");
    }

    /** A numbered icon holding a right-to-left override passes every other rule (short, a number, an emoji). */
    @Test
    void anIconHoldingADirectionOverrideIsRefusedByItsOwnRule() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"i1\",\"friendlyName\":\"bidi\",\"agentType\":\"local\","
                + "\"workFolder\":\"/w\",\"icon\":\"\\ud83d\\udd35\\u202e2\"}]}");
        assertThat(e.getMessage()).contains("member 1 (bidi): icon must not hold a character that reorders or hides text")
                .doesNotContain("\u202e");
    }

    @Test
    void twoMembersWithOneIdAreRefused() throws Exception {
        var e = refused("{\"agents\":[{\"id\":\"y\",\"friendlyName\":\"m\",\"agentType\":\"local\",\"workFolder\":\"/a\"},"
                + "{\"id\":\"y\",\"friendlyName\":\"m2\",\"agentType\":\"local\",\"workFolder\":\"/b\"}]}");
        assertThat(e.getMessage()).contains("two members with the id y");
    }

    @Test
    void aWellFormedMemberIsStillImported() throws Exception {
        Files.writeString(source.resolve("registry.json"), "{\"agents\":[{\"id\":\"6f1c-1\",\"friendlyName\":\"fine\","
                + "\"agentType\":\"remote\",\"host\":\"127.0.0.1\",\"port\":2222,\"username\":\"me\",\"authType\":\"key\","
                + "\"keyPath\":\"~/.ssh/id_ed25519\",\"workFolder\":\"~/w\",\"icon\":\"🟣\"}]}");
        RegistryImport.Plan plan = importer.apply(source, "h", "u");
        assertThat(plan.problems()).isEmpty();
        assertThat(Files.readString(data.registryFile())).contains("\"fine\"");
        assertThatCode(() -> importer.apply(source, "h", "u")).doesNotThrowAnyException();
    }

    @Test
    // Before the mend a pipe's read waited for ever: the time limit makes that a failure, not a hang.
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aPipeADeviceOrAHugeFileIsRefusedNamingTheRuleInsteadOfHangingOrFillingTheHeap() throws Exception {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> importer.plan(Path.of("/dev/zero"), "h", "u")))
                .isInstanceOf(RegistryImport.ImportException.class).hasMessageContaining("not a regular file");

        Path huge = tmp.resolve("huge/registry.json");
        Files.createDirectories(huge.getParent());
        try (var ch = java.nio.channels.FileChannel.open(huge, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {' '}), 32 * 1024 * 1024); // sparse: one byte past the limit
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> importer.plan(huge, "h", "u")))
                .isInstanceOf(RegistryImport.ImportException.class).hasMessageContaining("larger than 32768 KiB");

        Path fifo = tmp.resolve("fifo-data/registry.json");
        Files.createDirectories(fifo.getParent());
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> importer.plan(fifo.getParent(), "h", "u")))
                .isInstanceOf(RegistryImport.ImportException.class).hasMessageContaining("not a regular file");
        Path saltPipe = tmp.resolve("salt-pipe");
        Files.createDirectories(saltPipe);
        Files.writeString(saltPipe.resolve("registry.json"), "{\"agents\":[{\"id\":\"p1\",\"friendlyName\":\"pw\","
                + "\"host\":\"127.0.0.1\",\"username\":\"me\",\"authType\":\"password\",\"workFolder\":\"/w\","
                + "\"encryptedPassword\":\"00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff:abcd\"}]}");
        Process mk2 = new ProcessBuilder("mkfifo", saltPipe.resolve("salt").toString()).start();
        assertThat(mk2.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(importer.plan(saltPipe, "h", "u").problems()).anySatisfy(p -> assertThat(p).contains("salt", "not a regular file"));
    }
}
