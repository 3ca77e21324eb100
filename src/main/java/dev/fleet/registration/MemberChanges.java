package dev.fleet.registration;

import dev.fleet.base.Quoted;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.base.InvalidRequest;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.Registry;
import java.util.List;

/**
 * How update_member's parameters change a member: only those given, each checked against the
 * member's kind. A new llm_provider forgets the stored session, which belongs to the old CLI.
 */
final class MemberChanges {
    private MemberChanges() {
    }

    /** The changed member; {@code changed} receives the parameters that changed it, in a stable order. */
    static Member apply(Registry registry, Member m, MemberFields f, String sealedPassword, List<String> changed,
                        LocalPaths localPaths) {
        Member.Builder b = m.toBuilder();
        if (m.isLocal()) {
            for (String p : MemberFields.REMOTE_PARAMS) {
                if (f.given(p)) {
                    throw new InvalidRequest(p, "applies to remote members only; " + m.friendlyName() + " is local");
                }
            }
            for (String p : MemberFields.CloudFields.PARAMS) {
                if (f.given(p)) {
                    throw new InvalidRequest(p, "applies to cloud members, which are remote; " + m.friendlyName() + " is local");
                }
            }
        }
        String name = f.friendlyName();
        if (name != null && !name.equals(m.friendlyName())) {
            registry.byName(name).ifPresent(other -> {
                throw new InvalidRequest("friendly_name", Quoted.value(name) + " is already taken by another member");
            });
            b.friendlyName(name);
            changed.add("friendly_name");
        }
        if (f.given("host")) {
            b.host(f.host());
            changed.add("host");
        }
        if (f.given("port")) {
            b.port(f.port());
            changed.add("port");
        }
        if (f.given("username")) {
            b.username(f.username());
            changed.add("username");
        }
        if (f.given("key_path")) {
            b.keyPath(f.keyPath() == null ? null : localPaths.expand(f.keyPath()));
            changed.add("key_path");
        }
        if (sealedPassword != null) {
            b.encryptedPassword(sealedPassword);
            changed.add("password");
        }
        if (f.given("auth_type")) {
            AuthType auth = f.authType();
            Member probe = b.build();
            if (auth == AuthType.PASSWORD && probe.encryptedPassword() == null) {
                throw new InvalidRequest("password", "is required to switch auth_type to password");
            }
            if (auth == AuthType.KEY && probe.keyPath() == null) {
                throw new InvalidRequest("key_path", "is required to switch auth_type to key");
            }
            b.authType(auth);
            if (auth == AuthType.KEY) {
                b.encryptedPassword(null); // a key member keeps no password
            }
            changed.add("auth_type");
        }
        if (f.given("work_folder")) {
            if (!m.isLocal() && f.workFolder() != null && f.workFolder().startsWith("~")) {
                // register_member expands ~ on the member; an update does not contact it, and a folder
                // kept as "~/x" would later be made as a folder literally named "~" in the login folder.
                throw new InvalidRequest("work_folder", "must be an absolute path on the member when changed with update_member "
                        + "(~ is expanded on the member by register_member only), got " + Quoted.value(f.workFolder()));
            }
            b.workFolder(m.isLocal() ? localPaths.normalise(f.workFolder(), "work_folder") : f.workFolder());
            changed.add("work_folder");
        }
        if (f.given("git_access")) {
            b.gitAccess(f.gitAccess());
            changed.add("git_access");
        }
        if (f.given("git_repos")) {
            b.gitRepos(f.gitRepos());
            changed.add("git_repos");
        }
        if (f.given("icon")) {
            b.icon(MemberIcons.resolve(f.icon()).orElseThrow(() -> new InvalidRequest("icon",
                    MemberIcons.ruleBroken(f.icon()) + ", got " + Quoted.value(f.icon()))));
            changed.add("icon");
        }
        b.cloud(cloud(m.cloud(), f, changed));
        Member next = b.build();
        if (f.llmProvider() != null) {
            // A session belongs to the CLI that made it: a new provider forgets it.
            next = MemberAgent.withProvider(next, f.llmProvider());
            changed.add(next.sessionId() == null && m.sessionId() != null ? "llm_provider (stored session cleared)" : "llm_provider");
        }
        if (f.modelTiers() != null) {
            next = MemberAgent.withModelTiers(next, f.modelTiers());
            changed.add("model_tiers");
        }
        return next;
    }

    private static CloudConfig cloud(CloudConfig c, MemberFields f, List<String> changed) {
        if (!f.anyCloudGiven()) {
            return c;
        }
        MemberFields.CloudFields in = f.cloud();
        if (c == null && (in.instanceId() == null || in.sshKeyPath() == null)) {
            throw new InvalidRequest("cloud_instance_id", "and cloud_ssh_key_path are required to make "
                    + "a member a cloud member");
        }
        String activity = f.given("cloud_activity_command") ? in.activityCommand() : c == null ? null : c.activityCommand();
        CloudConfig next = new CloudConfig(
                in.provider() != null ? in.provider() : c == null ? "aws" : c.provider(),
                in.instanceId() != null ? in.instanceId() : c.instanceId(),
                in.region() != null ? in.region() : c == null ? CloudConfig.DEFAULT_REGION : c.region(),
                f.given("cloud_profile") ? in.profile() : c == null ? null : c.profile(),
                f.given("cloud_idle_timeout_min") ? in.idleTimeoutMin()
                        : c == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN : c.idleTimeoutMin(),
                in.sshKeyPath() != null ? in.sshKeyPath() : c.sshKeyPath(),
                activity == null || activity.isEmpty() ? null : activity,
                f.given("cloud_budget_usd_per_day") ? in.budget() : c == null ? null : c.budgetUsdPerDay(),
                f.given("cloud_gpu_busy_min_util") ? in.gpuBusyMinUtil() : c == null ? 0 : c.gpuBusyMinUtil(),
                c != null && c.guardOff(),
                c == null ? null : c.extra());
        for (String p : MemberFields.CloudFields.PARAMS) {
            if (f.given(p)) {
                changed.add(p);
            }
        }
        return next;
    }
}
