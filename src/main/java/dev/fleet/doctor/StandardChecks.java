package dev.fleet.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.AwsRuntime;
import dev.fleet.install.ClaudeCli;
import dev.fleet.install.ClaudeCodeLayout;
import dev.fleet.install.ClaudeCodeWiring;
import dev.fleet.install.FleetLaunch;
import dev.fleet.install.InstallScope;
import dev.fleet.member.DataDir;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import dev.fleet.settings.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The checks {@code fleet doctor} runs, in the order a person would fix things. A part of fleet
 * with state of its own (the daemon, for one) adds its check to this list.
 */
public final class StandardChecks {
    private StandardChecks() {
    }

    /**
     * @param settings what fleet read from its environment: the data folder and home come from here;
     *                 the environment itself only where the checks look up what other programs read
     *                 there (PATH, the agent's API key, AWS credentials)
     */
    public static List<Check> of(Settings settings, Path currentDir, FleetLaunch launch, String serverName, Clock clock) {
        Map<String, String> env = settings.environment();
        DataDir data = new DataDir(settings.dataDir());
        RegistryStore store = new RegistryStore(data, new RegistryCodec(new ObjectMapper()));
        Path home = settings.home();
        ClaudeCodeLayout layout = ClaudeCodeLayout.of(InstallScope.USER, home, currentDir);
        var claude = ClaudeCli.find(env, home);
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(layout, launch, serverName, claude,
                data.installsDir(), clock);
        return List.of(
                JavaCheck.current(),
                new SettingsCheck(settings),
                new DataDirCheck(data),
                new RegistryCheck(data.registryFile(), store, () -> new SecretBox(data.saltFile())),
                new KnownHostsCheck(data.knownHostsFile()),
                new SshKeysCheck(store, home),
                new AgentCliCheck(env, home, clock),
                new AwsCheck(store, env, home, clock, AwsRuntime::sdk),
                new PricingCheck(data.pricingFile()),
                new ClaudeWiringCheck(wiring, claude.isPresent()),
                DaemonCheck.of(settings));
    }
}
