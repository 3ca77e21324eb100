package dev.fleet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.FakeEc2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user whose java.util.logging configuration asks the JDK's HTTP client for everything: the AWS
 * SDK's url-connection client would print each request's headers (the SigV4 Authorization, the
 * session token) on stderr. A real configuration file, a child JVM, a fake EC2 endpoint.
 */
class JdkHttpLoggingTest {
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJULLOGGEDTOKEN0123456789abcdef";
    private static final String ID = "i-0123456789abcdef0";

    @TempDir
    Path tmp;

    @Test
    void aLoggingConfigurationAskingForTheHttpClientsHeadersGetsNoneOnStderr() throws Exception {
        Path config = Files.writeString(tmp.resolve("logging.properties"), String.join("\n",
                "handlers=java.util.logging.ConsoleHandler", ".level=ALL", "java.util.logging.ConsoleHandler.level=ALL",
                "sun.net.www.protocol.http.HttpURLConnection.level=ALL", "jdk.httpclient.HttpClient.level=ALL", ""));
        Path stderr = tmp.resolve("stderr.log");
        try (FakeEc2 ec2 = new FakeEc2().start()) {
            ec2.addInstance(ID, "t3.micro", FakeEc2.State.RUNNING);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Djava.util.logging.config.file=" + config,
                    "-cp", System.getProperty("java.class.path"), JdkHttpLoggingMain.class.getName(),
                    ec2.endpoint().toString(), SESSION_TOKEN, ID)
                    .redirectError(stderr.toFile()).redirectOutput(tmp.resolve("stdout.log").toFile()).start();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child ends").isTrue();
            assertThat(Files.readString(tmp.resolve("stdout.log"))).as(Files.readString(stderr)).contains("RUNNING");
            assertThat(ec2.actions()).contains("DescribeInstances");
        }
        String log = Files.readString(stderr);
        for (String secret : List.of(SESSION_TOKEN, "AWS4-HMAC-SHA256", "X-Amz-Security-Token", "Signature=")) {
            assertThat(log).doesNotContain(secret);
        }
        assertThat(log).as("the user is told").contains("fleet: logging that would print passwords and keys stays off: ",
                "sun.net.www.protocol.http.HttpURLConnection at WARNING (asked: ALL)");
        assertThat(log).as("other JDK loggers still log as asked: the configuration was read").containsPattern("FINE|CONFIG|FINER");
    }
}
