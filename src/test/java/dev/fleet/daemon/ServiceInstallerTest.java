package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.fleet.settings.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service files are written into a temporary HOME; the service manager is a recorder, never the real one. */
class ServiceInstallerTest {
    @TempDir
    Path home;
    final List<List<String>> ran = new ArrayList<>();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private ServiceInstaller installer(ServiceInstaller.Platform platform, Map<String, String> env) {
        Map<String, String> withHome = new HashMap<>(env);
        withHome.put("HOME", home.toString());
        return new ServiceInstaller(platform, Settings.from(withHome), List.of("/opt/my fleet/fleet", "daemon"), command -> {
            ran.add(command);
            return 0;
        }, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void systemdUserUnitRunsTheDaemonAtLoginAndIsEnabledThenRemoved() throws Exception {
        Map<String, String> env = Map.of("APRA_FLEET_DATA_DIR", home.resolve("data").toString(), "PATH", "/usr/bin:/bin");
        ServiceInstaller s = installer(ServiceInstaller.Platform.SYSTEMD, env);
        DaemonOptions options = new DaemonOptions("127.0.0.1:7777", Duration.ZERO, false, false);
        assertThat(s.install(options, true)).isZero();

        Path unit = home.resolve(".config/systemd/user/apra-fleet.service");
        assertThat(s.file()).isEqualTo(unit);
        String text = Files.readString(unit);
        assertThat(text).contains("[Service]", "Type=simple", "Restart=on-failure", "WantedBy=default.target",
                "ExecStart=\"/opt/my fleet/fleet\" \"daemon\" \"--service\" \"--http\" \"127.0.0.1:7777\" \"--idle-exit\" \"0\"",
                "Environment=\"APRA_FLEET_DATA_DIR=" + home.resolve("data") + "\"",
                "Environment=\"PATH=/usr/bin:/bin\"");
        assertThat(ran).containsExactly(List.of("systemctl", "--user", "daemon-reload"),
                List.of("systemctl", "--user", "enable", "--now", "apra-fleet.service"));

        ran.clear();
        assertThat(s.uninstall(true)).isZero();
        assertThat(unit).doesNotExist();
        assertThat(ran).containsExactly(List.of("systemctl", "--user", "disable", "--now", "apra-fleet.service"),
                List.of("systemctl", "--user", "daemon-reload"));
    }

    /** A link planted at the unit's name is replaced by the unit; what it led to is untouched. */
    @Test
    void aLinkAtTheUnitsNameIsReplacedNotWrittenThrough() throws Exception {
        Path profile = Files.writeString(home.resolve(".bashrc"), "export MINE=1\n");
        Path unit = Files.createDirectories(home.resolve(".config/systemd/user")).resolve("apra-fleet.service");
        Files.createSymbolicLink(unit, profile);
        ServiceInstaller s = installer(ServiceInstaller.Platform.SYSTEMD, Map.of("HOME", home.toString()));

        assertThat(s.install(new DaemonOptions(null, Duration.ZERO, false, false), false)).isZero();

        assertThat(profile).content().isEqualTo("export MINE=1\n");
        assertThat(Files.isSymbolicLink(unit)).isFalse();
        assertThat(Files.readString(unit)).contains("[Service]");
        try (var left = Files.list(unit.getParent())) {
            assertThat(left).containsExactly(unit);
        }
    }

    @Test
    void xdgConfigHomeIsHonouredAndNoStartOnlyWritesTheFile() throws Exception {
        Path xdg = home.resolve("xdg");
        ServiceInstaller s = installer(ServiceInstaller.Platform.SYSTEMD, Map.of("XDG_CONFIG_HOME", xdg.toString(), "HOME", home.toString()));
        assertThat(s.install(new DaemonOptions(null, Duration.ofMinutes(30), false, false), false)).isZero();
        assertThat(xdg.resolve("systemd/user/apra-fleet.service")).exists();
        assertThat(ran).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("systemctl --user enable --now apra-fleet.service");
    }

    @Test
    void launchdAgentIsAValidPlistWithEscapedValues() throws Exception {
        Map<String, String> env = Map.of("APRA_FLEET_DATA_DIR", home.resolve("data & more").toString());
        ServiceInstaller s = installer(ServiceInstaller.Platform.LAUNCHD, env);
        assertThat(s.install(new DaemonOptions(null, Duration.ZERO, false, false), true)).isZero();
        Path plist = home.resolve("Library/LaunchAgents/dev.fleet.apra-fleet.plist");
        String text = Files.readString(plist);
        assertThat(text).contains("<key>Label</key>", "<string>dev.fleet.apra-fleet</string>", "<string>/opt/my fleet/fleet</string>",
                "<string>daemon</string>\n    <string>--service</string>", "<key>RunAtLoad</key>", "<true/>", "<key>SuccessfulExit</key>",
                "data &amp; more", "daemon.log</string>");
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        assertThat(f.newDocumentBuilder().parse(plist.toFile()).getDocumentElement().getNodeName()).isEqualTo("plist");
        assertThat(ran).containsExactly(List.of("launchctl", "load", "-w", plist.toString()));
        ran.clear();
        assertThat(s.uninstall(true)).isZero();
        assertThat(ran).containsExactly(List.of("launchctl", "unload", "-w", plist.toString()));
        assertThat(plist).doesNotExist();
    }

    @Test
    void systemdWordsEscapeWhatSystemdWouldExpand() {
        assertThat(ServiceInstaller.systemdQuote("a\"b\\c$HOME%h")).isEqualTo("\"a\\\"b\\\\c$$HOME%%h\"");
    }
}
