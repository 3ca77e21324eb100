package dev.fleet.tools;

import static dev.fleet.tools.RegistrationParams.*;

import dev.fleet.exec.Channels;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import java.util.ArrayList;
import java.util.List;

/** update_member: changes registration metadata; no connection is made. */
public final class UpdateMember implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            FRIENDLY_NAME, HOST, PORT, USERNAME, AUTH_TYPE, PASSWORD, KEY_PATH, WORK_FOLDER, GIT_ACCESS, GIT_REPOS,
            Param.string("icon", "A short icon (emoji or up to 16 characters) shown before the member's name.").length(0, 16),
            CLOUD_PROVIDER, CLOUD_INSTANCE_ID, CLOUD_REGION, CLOUD_PROFILE, CLOUD_IDLE_TIMEOUT_MIN, CLOUD_SSH_KEY_PATH,
            CLOUD_ACTIVITY_COMMAND.description(
                    "Cloud: shell command that prints 'busy' or 'idle'; an empty string removes it."),
            CostSafetyParams.BUDGET, CostSafetyParams.GPU_BUSY_MIN_UTIL);

    private final RegistryStore store;
    private final SecretBox secrets;
    private final Channels channels;
    private final dev.fleet.guard.GuardService guard;

    public UpdateMember(RegistryStore store, SecretBox secrets, Channels channels, dev.fleet.guard.GuardService guard) {
        this.guard = guard;
        this.store = store;
        this.secrets = secrets;
        this.channels = channels;
    }

    @Override
    public String name() {
        return "update_member";
    }

    @Override
    public String description() {
        return "Change a member's registration: name, folder, connection details, password or key, git access, icon, "
                + "or its cloud settings. Only the parameters given change. Metadata only: nothing is tested or "
                + "created on the member (a new work folder is not created; run register_member again for that), "
                + "except that new idle settings of a running cloud member reach its on-instance guard. "
                + "Refuses a folder already used by another member on the same machine.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        // Encrypt outside the lock: key derivation is slow and must not hold other writers.
        String sealedPassword = in.string("password") == null ? null : secrets.encrypt(in.string("password"));
        List<String> changed = new ArrayList<>();
        Member[] updated = new Member[1];
        store.update(registry -> {
            changed.clear();
            Member m = MemberTarget.find(registry, in);
            Member next = apply(registry, m, in, sealedPassword, changed);
            updated[0] = next;
            return changed.isEmpty() ? registry : registry.replacing(m.id(), old -> next);
        });
        // New connection details take effect on the next call, not on a connection opened with the old ones.
        channels.release(updated[0]);
        if (changed.isEmpty()) {
            return ToolResult.ok("Nothing to change for member " + updated[0].friendlyName() + ": no fields given.");
        }
        String guardNote = "";
        if (updated[0].cloud() != null && changed.stream().anyMatch(CostSafetyParams.GUARD_SETTINGS::contains)) {
            dev.fleet.guard.GuardReport g = guard.settingsChanged(updated[0]);
            guardNote = g.outcome() == dev.fleet.guard.GuardReport.Outcome.SKIPPED ? "" : "\nOn the instance: " + g.sentence() + ".";
        }
        return ToolResult.ok("Updated member " + updated[0].friendlyName() + ": " + String.join(", ", changed) + "." + guardNote,
                MemberView.structured(updated[0]));
    }

    private Member apply(Registry registry, Member m, ToolInput in, String sealedPassword, List<String> changed) {
        Member.Builder b = m.toBuilder();
        if (m.isLocal()) {
            for (String p : REMOTE_PARAMS) {
                if (in.given(p)) {
                    throw new InvalidInputException(p, "applies to remote members only; " + m.friendlyName() + " is local");
                }
            }
            for (String p : CLOUD_PARAMS) {
                if (in.given(p)) {
                    throw new InvalidInputException(p, "applies to cloud members, which are remote; " + m.friendlyName() + " is local");
                }
            }
        }
        String name = in.string("friendly_name");
        if (name != null && !name.equals(m.friendlyName())) {
            registry.byName(name).ifPresent(other -> {
                throw new InvalidInputException("friendly_name", "'" + name + "' is already taken by another member");
            });
            b.friendlyName(name);
            changed.add("friendly_name");
        }
        if (in.given("host")) {
            b.host(in.string("host"));
            changed.add("host");
        }
        if (in.given("port")) {
            b.port(in.integer("port"));
            changed.add("port");
        }
        if (in.given("username")) {
            b.username(in.string("username"));
            changed.add("username");
        }
        if (in.given("key_path")) {
            b.keyPath(expandLocal(in.string("key_path")));
            changed.add("key_path");
        }
        if (sealedPassword != null) {
            b.encryptedPassword(sealedPassword);
            changed.add("password");
        }
        if (in.given("auth_type")) {
            AuthType auth = AuthType.fromJson(in.string("auth_type"));
            Member probe = b.build();
            if (auth == AuthType.PASSWORD && probe.encryptedPassword() == null) {
                throw new InvalidInputException("password", "is required to switch auth_type to password");
            }
            if (auth == AuthType.KEY && probe.keyPath() == null) {
                throw new InvalidInputException("key_path", "is required to switch auth_type to key");
            }
            b.authType(auth);
            if (auth == AuthType.KEY) {
                b.encryptedPassword(null); // a key member keeps no password
            }
            changed.add("auth_type");
        }
        if (in.given("work_folder")) {
            String folder = m.isLocal() ? normaliseLocal(in.string("work_folder")) : in.string("work_folder");
            b.workFolder(folder);
            changed.add("work_folder");
        }
        if (in.given("git_access")) {
            b.gitAccess(in.string("git_access"));
            changed.add("git_access");
        }
        if (in.given("git_repos")) {
            b.gitRepos(in.stringList("git_repos"));
            changed.add("git_repos");
        }
        if (in.given("icon")) {
            b.icon(in.string("icon").isEmpty() ? null : in.string("icon"));
            changed.add("icon");
        }
        CloudConfig cloud = updatedCloud(m.cloud(), in, changed);
        b.cloud(cloud);
        Member next = b.build();
        if (changed.contains("work_folder") || changed.contains("host") || changed.contains("port")) {
            RegisterMember.refuseDuplicateFolder(registry, m.id(), next.deviceKey(), next.workFolder());
        }
        return next;
    }

    private static CloudConfig updatedCloud(CloudConfig c, ToolInput in, List<String> changed) {
        boolean any = false;
        for (String p : CLOUD_PARAMS) {
            any |= in.given(p);
        }
        if (!any) {
            return c;
        }
        if (c == null && (in.string("cloud_instance_id") == null || in.string("cloud_ssh_key_path") == null)) {
            throw new InvalidInputException("cloud_instance_id", "and cloud_ssh_key_path are required to make "
                    + "a member a cloud member");
        }
        String activity = in.given("cloud_activity_command") ? in.string("cloud_activity_command") : c == null ? null : c.activityCommand();
        CloudConfig next = new CloudConfig(
                in.string("cloud_provider") != null ? in.string("cloud_provider") : c == null ? "aws" : c.provider(),
                in.string("cloud_instance_id") != null ? in.string("cloud_instance_id") : c.instanceId(),
                in.string("cloud_region") != null ? in.string("cloud_region") : c == null ? CloudConfig.DEFAULT_REGION : c.region(),
                in.given("cloud_profile") ? in.string("cloud_profile") : c == null ? null : c.profile(),
                in.given("cloud_idle_timeout_min") ? in.integer("cloud_idle_timeout_min")
                        : c == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN : c.idleTimeoutMin(),
                in.string("cloud_ssh_key_path") != null ? in.string("cloud_ssh_key_path") : c.sshKeyPath(),
                activity == null || activity.isEmpty() ? null : activity,
                c == null ? null : c.extra());
        next = CostSafetyParams.forUpdate(c, next, in);
        for (String p : CLOUD_PARAMS) {
            if (in.given(p)) {
                changed.add(p);
            }
        }
        return next;
    }
}
