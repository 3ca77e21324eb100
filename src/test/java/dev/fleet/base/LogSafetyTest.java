package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LogSafetyTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Properties enforced(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        LogSafety.enforce(p, new PrintStream(err, true, StandardCharsets.UTF_8));
        return p;
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theMcpSdkAskedForAtDebugStaysAtWarnAndTheUserIsTold() {
        Properties p = enforced(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol", "debug");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol")).isEqualTo("warn");
        assertThat(said()).isEqualTo("fleet: logging that would print passwords and keys stays off: "
                + "io.modelcontextprotocol at warn (asked: debug)" + System.lineSeparator());
    }

    @Test
    void aMemberOfAFamilyAnAncestorOrTheDefaultCannotOpenItEither() {
        Properties p = enforced(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol.spec.McpServerSession", "TRACE",
                LogSafety.LOGGER_LEVEL + "software", "debug", LogSafety.DEFAULT_LEVEL, "trace");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol.spec.McpServerSession")).isEqualTo("warn");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol")).isEqualTo("warn");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "software.amazon.awssdk")).isEqualTo("info");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "org.apache.sshd")).isEqualTo("debug");
        assertThat(p.getProperty(LogSafety.DEFAULT_LEVEL)).as("everything else as asked").isEqualTo("trace");
        assertThat(said()).contains("software.amazon.awssdk at info (asked: debug)", "org.apache.sshd at debug (asked: trace)")
                .hasLineCount(1);
    }

    @Test
    void theJdkWireSwitchesAreCleared() {
        Properties p = enforced("javax.net.debug", "all", "jdk.httpclient.HttpClient.log", "headers,requests");
        assertThat(p.getProperty("javax.net.debug")).isNull();
        assertThat(p.getProperty("jdk.httpclient.HttpClient.log")).isNull();
        assertThat(said()).contains("javax.net.debug (cleared)", "jdk.httpclient.HttpClient.log (cleared)");
    }

    @Test
    void quieterSettingsAreKeptAndNothingIsSaid() {
        Properties p = enforced(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol", "off", LogSafety.DEFAULT_LEVEL, "info",
                LogSafety.LOGGER_LEVEL + "org.apache.sshd", "debug");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "io.modelcontextprotocol")).isEqualTo("off");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "org.apache.sshd")).isEqualTo("debug");
        assertThat(p.getProperty(LogSafety.LOGGER_LEVEL + "software.amazon.awssdk")).isNull();
        assertThat(said()).isEmpty();
    }

    @Test
    void theAwsProfileReaderWhichQuotesACredentialsLineItCannotReadIsHeldAtError() throws Exception {
        Properties asked = enforced(LogSafety.LOGGER_LEVEL + "software.amazon.awssdk.profiles.internal.ProfileFileReader", "warn",
                LogSafety.DEFAULT_LEVEL, "debug");
        assertThat(asked.getProperty(LogSafety.LOGGER_LEVEL + "software.amazon.awssdk.profiles.internal.ProfileFileReader"))
                .isEqualTo("error");
        assertThat(said()).contains("software.amazon.awssdk.profiles.internal.ProfileFileReader at error (asked: warn)");

        // Unasked, fleet's own settings hold the family at error, below anything it inherits.
        Properties shipped = new Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("src/main/resources/simplelogger.properties"))) {
            shipped.load(r);
        }
        assertThat(shipped.getProperty(LogSafety.LOGGER_LEVEL + "software.amazon.awssdk.profiles")).isEqualTo("error");
    }
}
