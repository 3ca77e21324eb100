package dev.fleet.doctor;

import dev.fleet.daemon.BuildId;
import dev.fleet.daemon.DaemonControl;
import dev.fleet.daemon.DaemonPaths;
import dev.fleet.daemon.RelayProtocol;
import dev.fleet.daemon.ServiceInstaller;
import dev.fleet.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The user's fleet daemon: whether one answers on its socket, which build it runs, and whether a
 * socket file is one fleet refuses to use. It only asks the daemon for its status; it never starts,
 * stops or replaces anything.
 */
public final class DaemonCheck implements Check {
    private final DaemonPaths paths;
    private final boolean standalone;
    private final String thisBuild;
    private final ServiceInstaller service;

    /**
     * @param standalone {@code FLEET_STANDALONE=1}: {@code fleet serve} runs the fleet in-process and needs no daemon
     * @param thisBuild  the build of this fleet, which a relay insists the daemon runs too
     */
    public DaemonCheck(DaemonPaths paths, boolean standalone, String thisBuild) {
        this(paths, standalone, thisBuild, null);
    }

    /** @param service the installed service, where this OS has a service manager fleet installs for */
    public DaemonCheck(DaemonPaths paths, boolean standalone, String thisBuild, ServiceInstaller service) {
        this.paths = paths;
        this.standalone = standalone;
        this.thisBuild = thisBuild;
        this.service = service;
    }

    public static DaemonCheck of(Settings settings) {
        ServiceInstaller.Platform platform = ServiceInstaller.Platform.current();
        ServiceInstaller service = platform == null ? null
                : new ServiceInstaller(platform, settings, ServiceInstaller.defaultDaemonCommand(), command -> 1, System.out);
        return new DaemonCheck(new DaemonPaths(settings.dataDir()), settings.standalone(), BuildId.current(), service);
    }

    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public List<Finding> run() {
        List<Finding> findings = new ArrayList<>();
        String outdated = service == null ? null : service.outdated();
        if (outdated != null) {
            findings.add(Finding.problem(outdated, "fleet daemon install, with the options the file's command line shows (it writes the file anew from the options given)"));
        }
        findings.addAll(daemon());
        return findings;
    }

    private List<Finding> daemon() {
        String answer;
        try {
            answer = DaemonControl.ask(paths, "status");
        } catch (IOException unsafe) {
            return List.of(Finding.problem("fleet will not use the daemon socket " + paths.socket() + ": " + unsafe.getMessage(),
                    "fleet daemon restart (it replaces the socket), or remove the file if no fleet daemon runs"));
        } catch (RuntimeException refused) {
            return List.of(Finding.problem("the process behind " + paths.socket() + " is refused: " + refused.getMessage(),
                    "stop whatever listens there, then fleet daemon restart"));
        }
        List<Finding> findings = new ArrayList<>();
        if (answer == null || !answer.startsWith(RelayProtocol.STATUS)) {
            boolean stale = Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS);
            findings.add(Finding.note(standalone
                    ? "FLEET_STANDALONE=1: fleet serve runs the whole fleet in its own process; no daemon is used"
                    : "no daemon running" + (stale ? " (a socket file left by one that exited; the next fleet serve replaces it)" : "")
                    + ": the first fleet serve starts one"));
            return findings;
        }
        Map<String, String> f = DaemonControl.fields(answer);
        findings.add(Finding.ok("running, pid " + f.get("pid") + ", " + f.get("clients") + " client(s), "
                + f.get("calls") + " call(s) in flight, HTTP " + ("-".equals(f.get("http")) ? "off" : f.get("http"))));
        String build = f.get("build");
        if (build != null && !build.equals(thisBuild)) {
            findings.add(Finding.note("the daemon runs build " + build + ", this fleet is " + thisBuild
                    + ": relays restart it once no client uses it (or now: fleet daemon restart)"));
        }
        if (standalone) {
            findings.add(Finding.note("FLEET_STANDALONE=1 here: fleet serve started with this environment does not use the daemon"));
        }
        return findings;
    }
}
