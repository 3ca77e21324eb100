package dev.fleet.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.daemon.DaemonOptions;
import dev.fleet.daemon.DaemonPaths;
import dev.fleet.daemon.ServiceInstaller;
import dev.fleet.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service file written by an older fleet lacks the flag that makes its daemon end quietly
 * beside one a client started: the service manager would restart it every few seconds. The doctor
 * names the file and the fix; a current file, or none, gives no such finding.
 */
class DaemonCheckServiceTest {
    @TempDir
    Path home;

    private ServiceInstaller installer() {
        Settings settings = Settings.from(Map.of("HOME", home.toString(), "APRA_FLEET_DATA_DIR", home.resolve("data").toString()));
        return new ServiceInstaller(ServiceInstaller.Platform.SYSTEMD, settings, List.of("/opt/fleet/fleet", "daemon"),
                command -> 0, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private List<Finding> findings(ServiceInstaller service) {
        return new DaemonCheck(new DaemonPaths(home.resolve("data")), false, "1+test", service).run();
    }

    @Test
    void aServiceFileWithoutTheServiceFlagIsAProblemWithItsFix() throws Exception {
        ServiceInstaller service = installer();
        assertThat(findings(service)).noneMatch(f -> f.status() == Finding.Status.PROBLEM);

        service.install(new DaemonOptions(null, Duration.ZERO, false, false), false);
        assertThat(Files.readString(service.file())).contains("\"--service\"");
        assertThat(findings(service)).noneMatch(f -> f.status() == Finding.Status.PROBLEM);

        Files.writeString(service.file(), Files.readString(service.file()).replace(" \"--service\"", ""));
        assertThat(findings(service)).anySatisfy(f -> {
            assertThat(f.status()).isEqualTo(Finding.Status.PROBLEM);
            assertThat(f.subject()).contains(service.file().toString(), "written by an older fleet");
            assertThat(f.fix()).contains("fleet daemon install");
        });
    }
}
