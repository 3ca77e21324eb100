package dev.fleet.guard;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.InstanceState;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.ThisAccount;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.OsCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, updates, inspects and removes the on-instance guard of Linux cloud members, the
 * backstop that powers an idle instance off when no fleet server is watching it (see
 * docs/cloud.md, "Cost safety"). Installed when a member is registered or started, updated when
 * its idle settings change, removed with the member or by {@code cloud_control action=guard_off}.
 */
public final class GuardService {
    private static final Logger log = LoggerFactory.getLogger(GuardService.class);
    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final Channels channels;
    // The providers, not the life cycle: the life cycle calls this service after a start.
    private final CloudProviders providers;
    private final RegistryStore store;
    private final GuardSettings settings;
    private final ToIntFunction<Member> idleTimeoutMin;

    /** @param idleTimeoutMin the member's idle timeout in force (a budget may have shortened it) */
    public GuardService(Channels channels, CloudProviders providers, RegistryStore store, GuardSettings settings,
                        ToIntFunction<Member> idleTimeoutMin) {
        this.channels = channels;
        this.providers = providers;
        this.store = store;
        this.settings = settings;
        this.idleTimeoutMin = idleTimeoutMin;
    }

    /** Why the guard does not belong on this member; empty when it does. */
    private Optional<String> notApplicable(Member m) {
        if (m.cloud() == null) {
            return Optional.of("not a cloud member");
        }
        if (!settings.enabled()) {
            return Optional.of("the guard is turned off for this fleet (FLEET_GUARD=off)");
        }
        if (m.cloud().guardOff()) {
            return Optional.of("turned off for this member (cloud_control action=guard_on turns it back on)");
        }
        return neverThere(m);
    }

    /**
     * A warning when the guard would belong on this member but a person turned it off (for the
     * member or for the whole fleet): then the instance stops when idle only while a fleet server
     * watches it. Empty when the guard is on, or when it never belongs there anyway.
     */
    public Optional<String> turnedOff(Member m) {
        if (m.cloud() == null || neverThere(m).isPresent()) {
            return Optional.empty();
        }
        String how = !settings.enabled() ? "for this fleet (FLEET_GUARD=off)"
                : m.cloud().guardOff() ? "for this member (cloud_control action=guard_on turns it back on)" : null;
        return Optional.ofNullable(how).map(h -> "on-instance guard off " + h + ": the instance is stopped when idle "
                + "only while a fleet server runs");
    }

    /** Why fleet never puts a guard on this member, whatever the settings; empty when it may. */
    private Optional<String> neverThere(Member m) {
        if (m.os() != null && m.os() != MemberOs.LINUX) {
            return Optional.of("the guard runs on Linux members only; fleet's own idle watcher still applies");
        }
        if (ThisAccount.isLoopback(m.host()) && !settings.allowLoopback()) {
            return Optional.of("the member is reached at a loopback address, i.e. this machine: fleet never installs "
                    + "a power-off guard on the machine it runs on");
        }
        return Optional.empty();
    }

    /** Installs the guard, or updates its script and settings; idempotent. The instance must be running. */
    public GuardReport install(Member m) {
        Optional<String> no = notApplicable(m);
        if (no.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, no.get());
        }
        CloudConfig c = m.cloud();
        GuardScripts.Config config = new GuardScripts.Config(m.friendlyName(), m.workFolder(), idleTimeoutMin.applyAsInt(m),
                settings.graceMin(), c.gpuBusyMinUtil(), c.activityCommand(), OsCommands.runTag(m.id()));
        try {
            CommandResult r = channels.forMember(m).exec(CommandRequest.probe("bash -s", INSTALL_TIMEOUT)
                    .withStdin(GuardScripts.installer(config).getBytes(StandardCharsets.UTF_8)));
            if (r.timedOut() || !r.succeeded()) {
                String why = r.timedOut() ? "no answer within " + INSTALL_TIMEOUT.toSeconds() + " s"
                        : "exit " + r.exitCode() + firstLine(r.stderr());
                return GuardReport.of(GuardReport.Outcome.FAILED, "installing it failed (" + why + "); fleet's own idle "
                        + "watcher still applies");
            }
            String scheduler = value(r.stdout(), "scheduler");
            String powerOff = value(r.stdout(), "poweroff");
            String user = value(r.stdout(), "user");
            List<String> notes = new ArrayList<>();
            if ("none".equals(powerOff)) {
                notes.add("the guard cannot power this instance off: user " + user + " may not run 'sudo -n shutdown' "
                        + "(no passwordless sudo). It still records its decisions, and fleet's own idle watcher still stops "
                        + "the instance while a fleet server runs. Give the user passwordless sudo, or set "
                        + "FLEET_GUARD_POWEROFF in ~/.fleet/guard/guard.env on the instance");
            }
            if ("none".equals(scheduler)) {
                notes.add("nothing runs the guard: neither a systemd timer nor a cron entry could be set up on the instance");
            }
            log.info("{}: guard version {} installed, scheduler {}, power-off {}", m.friendlyName(), GuardScripts.VERSION,
                    scheduler, powerOff);
            return new GuardReport(GuardReport.Outcome.INSTALLED, scheduler, powerOff, notes);
        } catch (ChannelException e) {
            return GuardReport.of(GuardReport.Outcome.FAILED, "the instance could not be reached (" + e.getMessage() + ")");
        }
    }

    /** Removes the guard and its schedule from the instance, if it runs; never starts it. */
    public GuardReport remove(Member m) {
        if (m.cloud() == null) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, "not a cloud member");
        }
        Optional<String> never = neverThere(m);
        if (never.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, never.get());
        }
        Optional<String> down = notRunning(m);
        if (down.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.FAILED, down.get() + ", so the guard on its disk could not be removed; "
                    + "it only ever powers off an idle machine. To remove it by hand, run ~/.fleet/guard/uninstall there");
        }
        return uninstall(m);
    }

    /** The guard as installed on a running member; an older version is replaced first. */
    public GuardState inspect(Member m) {
        Optional<String> no = notApplicable(m);
        if (no.isPresent()) {
            return GuardState.unknown("not installed: " + no.get());
        }
        try {
            GuardState s = read(m);
            if (s.installed() && s.version() < GuardScripts.VERSION) {
                GuardReport r = install(m);
                log.info("{}: guard version {} replaced: {}", m.friendlyName(), s.version(), r.sentence());
                s = read(m);
            }
            return s;
        } catch (ChannelException e) {
            return GuardState.unknown("unknown (" + e.getMessage() + ")");
        }
    }

    /** After fleet started the instance: the guard is installed (or updated), or removed if the user turned it off. */
    public void afterStart(Member m) {
        GuardReport r = m.cloud() != null && m.cloud().guardOff() ? uninstall(m) : install(m);
        if (r.outcome() == GuardReport.Outcome.INSTALLED && r.notes().isEmpty()) {
            return; // logged by install
        }
        log.info("{}: {}", m.friendlyName(), r.sentence());
    }

    /** The member's idle settings changed: a running instance's guard gets them now, a stopped one at its next start. */
    public GuardReport settingsChanged(Member m) {
        Optional<String> no = notApplicable(m);
        if (no.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, no.get());
        }
        Optional<String> down = notRunning(m);
        if (down.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.DEFERRED, down.get() + "; its guard gets the new settings when "
                    + "fleet next starts it");
        }
        return install(m);
    }

    /** cloud_control action=guard_off: remembered for the member, and the guard removed now if the instance runs. */
    public GuardReport turnOff(Member m) {
        Member off = setOff(m, true);
        Optional<String> down = notRunning(off);
        if (down.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.DEFERRED, "guard turned off for this member: " + down.get()
                    + ", so fleet removes the guard when it next starts the instance");
        }
        GuardReport r = uninstall(off);
        return r.outcome() == GuardReport.Outcome.FAILED ? r
                : r.withNote("fleet no longer installs it on this member (action=guard_on turns it back on)");
    }

    /** cloud_control action=guard_on: installed now if the instance runs, else at its next start. */
    public GuardReport turnOn(Member m) {
        Member on = setOff(m, false);
        Optional<String> no = notApplicable(on);
        if (no.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, no.get());
        }
        Optional<String> down = notRunning(on);
        if (down.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.DEFERRED, "guard turned on for this member: " + down.get()
                    + ", so fleet installs the guard when it next starts the instance");
        }
        return install(on);
    }

    private Member setOff(Member m, boolean off) {
        return store.update(r -> {
            Member current = r.byId(m.id()).orElse(m);
            CloudConfig c = current.cloud();
            return current.toBuilder().cloud(c.withCostSafety(c.budgetUsdPerDay(), c.gpuBusyMinUtil(), off)).build();
        }, (r, changed) -> r.replacing(changed.id(), old -> changed));
    }

    private GuardReport uninstall(Member m) {
        Optional<String> never = neverThere(m);
        if (never.isPresent()) {
            return GuardReport.of(GuardReport.Outcome.SKIPPED, never.get()); // nothing of fleet's to take back there
        }
        try {
            CommandResult r = channels.forMember(m).exec(CommandRequest.probe(GuardScripts.uninstall(), READ_TIMEOUT));
            if (r.stdout().contains("@@guard:removed")) {
                return new GuardReport(GuardReport.Outcome.REMOVED, null, null, List.of());
            }
            if (r.stdout().contains("@@guard:absent")) {
                return new GuardReport(GuardReport.Outcome.NOT_PRESENT, null, null, List.of());
            }
            return GuardReport.of(GuardReport.Outcome.FAILED, "removing it failed (exit " + r.exitCode() + firstLine(r.stderr()) + ")");
        } catch (ChannelException e) {
            return GuardReport.of(GuardReport.Outcome.FAILED, "the instance could not be reached (" + e.getMessage() + ")");
        }
    }

    private GuardState read(Member m) throws ChannelException {
        CommandResult r = channels.forMember(m).exec(CommandRequest.probe(GuardScripts.inspect(), READ_TIMEOUT));
        if (!r.succeeded()) {
            return GuardState.unknown("unknown (reading it failed with exit " + r.exitCode() + ")");
        }
        return GuardState.parse(r.stdout());
    }

    /** Why the instance cannot be used now (stopped, or unreadable); empty when it runs. */
    private Optional<String> notRunning(Member m) {
        try {
            InstanceState s = providers.forConfig(m.cloud()).describe(m.cloud()).state();
            return s == InstanceState.RUNNING ? Optional.empty() : Optional.of("the instance is " + s.label());
        } catch (CloudException e) {
            return Optional.of("the instance could not be read (" + e.getMessage() + ")");
        }
    }

    private static String value(String out, String key) {
        return out.lines().filter(l -> l.startsWith("@@guard:" + key + "=")).map(l -> l.substring(l.indexOf('=') + 1).strip())
                .findFirst().orElse(null);
    }

    private static String firstLine(String text) {
        String s = text.strip();
        return s.isEmpty() ? "" : ": " + s.lines().findFirst().orElse("");
    }
}
