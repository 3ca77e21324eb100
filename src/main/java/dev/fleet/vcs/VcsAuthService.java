package dev.fleet.vcs;

import dev.fleet.base.Quoted;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.ConnectionCheck;
import dev.fleet.member.GitAccess;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretsOnMembers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git credentials for members: registers the GitHub App, mints installation tokens or takes
 * PATs and API tokens, puts them on members behind fleet's credential helper (one per host, so a
 * member can hold several providers), takes them back, and renews GitHub App tokens before they
 * expire. Secrets live only in memory here and in the member's 0600 files; the registry keeps
 * their first four characters and their expiry ({@link VcsCredential}).
 */
public final class VcsAuthService implements CredentialRenewal {
    private static final Logger log = LoggerFactory.getLogger(VcsAuthService.class);
    /** A GitHub App token is minted again when it has less than this left (they live an hour). */
    public static final Duration RENEW_BEFORE = Duration.ofMinutes(15);
    static final String GITHUB_USER = "x-access-token";
    /** Atlassian's fixed git user name for API tokens (the email is for the REST API only). */
    static final String BITBUCKET_GIT_USER = "x-bitbucket-api-token-auth";
    private static final Pattern REPO = Pattern.compile("\\*|[\\w.-]+/[\\w.-]+");
    private static final long MAX_KEY_BYTES = 64 * 1024;

    private final RegistryStore store;
    private final Channels channels;
    private final GitAppStore apps;
    private final VcsSettings settings;
    private final LocalPaths localPaths;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final GitHubApi github;
    private final OtherApis others;
    private final MemberGitCredentials helper;
    private final Map<String, ReentrantLock> renewing = new ConcurrentHashMap<>();

    public VcsAuthService(RegistryStore store, Channels channels, GitAppStore apps, VcsSettings settings, LocalPaths localPaths,
                          ObjectMapper mapper, Clock clock, SecretsOnMembers deployed) {
        this.store = store;
        this.channels = channels;
        this.apps = apps;
        this.settings = settings;
        this.localPaths = localPaths;
        this.mapper = mapper;
        this.clock = clock;
        ApiClient http = new ApiClient(mapper, settings.httpTimeout());
        this.github = new GitHubApi(settings.githubApi(), http, clock);
        this.others = new OtherApis(http, clock);
        this.helper = new MemberGitCredentials(channels, deployed);
    }

    /** The GitHub App as registered: what GitHub calls it, whose installation it is, and where its key is now kept. */
    public record AppSetup(String appName, String appId, String account, long installationId, Path storedKey) {
    }

    /** What provisioning did; {@code checks} are the verification results ({@code ⚠️ } marks one that did not pass). */
    public record Provisioned(Member member, VcsCredential credential, String message, Map<String, String> metadata,
                              List<String> checks) {
    }

    /** What revoking did. {@code sharedWith}: another member on the same account uses the host's credential, so it stayed. */
    public record Revoked(Member member, VcsProvider provider, String host, boolean helperRemoved, String sharedWith) {
    }

    /**
     * setup_git_app: checks the App and its installation against GitHub with a JWT signed by the
     * key, and only then stores the key and the settings. {@code keyPath} is on this machine ({@code ~}: the PM's home).
     */
    public AppSetup setupApp(String appId, String keyPath, long installationId) throws VcsException {
        Path keyFile = Path.of(localPaths.expand(keyPath));
        String pem;
        try {
            if (!Files.isRegularFile(keyFile)) {
                throw new VcsException("Private key file not found: " + keyFile);
            }
            if (Files.size(keyFile) > MAX_KEY_BYTES) {
                throw new VcsException("Invalid private key: " + keyFile + " is larger than any PEM key file");
            }
            pem = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new VcsException("Private key file cannot be read: " + keyFile + " (" + e.getClass().getSimpleName() + ")");
        }
        RSAPrivateKey key = AppPrivateKey.parse(pem);
        String jwt = AppJwt.create(appId, key, clock);
        GitHubApi.App app;
        GitHubApi.Installation installation;
        try {
            app = github.app(jwt);
            installation = github.installation(jwt, installationId);
        } catch (VcsException e) {
            throw new VcsException("GitHub App verification failed: " + e.getMessage());
        }
        GitAppStore.GitHubApp saved = apps.save(appId, pem, installationId, clock.instant());
        log.info("GitHub App {} (installation {}) configured", appId, installationId);
        return new AppSetup(app.name(), appId, installation.account(), installationId, saved.privateKeyPath());
    }

    /** provision_vcs_auth: checks the member is reachable, makes or checks the credential, deploys it, verifies it. */
    public Provisioned provision(Member member, CredentialSource source) throws VcsException {
        requireOnline(member);
        Issued issued = issue(member, source);
        List<String> checks = new ArrayList<>();
        if (issued.check() != null) {
            checks.add((issued.check() instanceof ApiCheck.Passed ? "" : "⚠️ ") + issued.check().text());
        }
        deploy(member, issued);
        checks.add(verifyOnMember(member, issued));
        remoteCheck(member, issued).ifPresent(checks::add);
        if (member.isLocal()) {
            checks.add("⚠️ " + member.friendlyName() + " is a local member: this is the global git config of your own account "
                    + "here, so your own git commands to " + issued.host() + " use this credential until revoke_vcs_auth");
        }
        otherHolder(member, issued.host()).ifPresent(o -> checks.add("⚠️ member " + o.friendlyName()
                + " uses the same account on that machine: it now gets this credential for " + issued.host() + " too"));
        VcsCredential credential = record(member, issued);
        log.info("{}: {} credentials ({}) deployed for {}{}", member.friendlyName(), issued.provider().label(), issued.mode(),
                issued.host(), issued.expiresAt() == null ? "" : ", expiring " + issued.expiresAt());
        return new Provisioned(member, credential, issued.message(), issued.metadata(), checks);
    }

    /** revoke_vcs_auth: takes the provider's credential off the member and restores its earlier helper when none is left. */
    public Revoked revoke(Member member, VcsProvider provider) throws VcsException {
        requireOnline(member);
        VcsCredential recorded = VcsCredential.of(member).get(provider);
        String host = recorded != null ? recorded.host() : defaultHost(provider);
        Optional<Member> sharer = otherHolder(member, host);
        boolean removed = false;
        if (sharer.isEmpty()) {
            try {
                removed = helper.remove(member, host);
            } catch (ChannelException e) {
                throw new VcsException(e.getMessage());
            }
        }
        store.update(r -> r.replacing(member.id(), m -> VcsCredential.forget(m, provider)));
        log.info("{}: {} credentials revoked", member.friendlyName(), provider.label());
        return new Revoked(member, provider, host, removed, sharer.map(Member::friendlyName).orElse(null));
    }

    /**
     * Before a member is removed: takes back every credential fleet deployed on it (best effort).
     * Returns warnings for what could not be taken back.
     */
    public List<String> revokeAllBeforeRemoval(Member member) {
        List<String> warnings = new ArrayList<>();
        for (VcsCredential c : VcsCredential.of(member).values()) {
            Optional<Member> sharer = otherHolder(member, c.host());
            if (sharer.isPresent()) {
                warnings.add("the git credential for " + c.host() + " stays: member " + sharer.get().friendlyName()
                        + " uses the same account there");
                continue;
            }
            try {
                helper.remove(member, c.host());
            } catch (VcsException | ChannelException e) {
                warnings.add("could not remove the " + c.provider().label() + " git credential from the member (" + e.getMessage()
                        + "); it stays in ~/.fleet-git" + (c.expiresAt() == null ? "" : " until it expires at " + c.expiresAt()));
            }
        }
        return warnings;
    }

    /**
     * Before work on a member: a GitHub App token that has expired or will within
     * {@link #RENEW_BEFORE} is minted again and deployed. Failures are logged, never thrown: the
     * work goes ahead, and git on the member reports what it lacks.
     */
    @Override
    public void renewIfExpiring(Member member) {
        VcsCredential c = VcsCredential.of(member).get(VcsProvider.GITHUB);
        if (c == null || !c.isGitHubApp() || !expiring(c)) {
            return;
        }
        renew(member, false, "it was about to expire");
    }

    /** After a cloud instance started (it may have been stopped for hours): its GitHub App token is minted again. */
    public void afterCloudStart(Member member) {
        VcsCredential c = VcsCredential.of(member).get(VcsProvider.GITHUB);
        if (c != null && c.isGitHubApp()) {
            renew(member, true, "the instance started");
            return;
        }
        boolean wanted = c == null && member.gitAccess() != null && member.gitRepos() != null && !member.gitRepos().isEmpty();
        try {
            if (wanted && apps.load().isPresent()) {
                Issued issued = issue(member, new CredentialSource.GitHubApp(null, null));
                deploy(member, issued);
                record(member, issued);
                log.info("{}: GitHub App token minted after the instance started (expires {})", member.friendlyName(), issued.expiresAt());
            }
        } catch (VcsException e) {
            log.warn("{}: no GitHub App token after the instance started: {}", member.friendlyName(), e.getMessage());
        }
    }

    private boolean expiring(VcsCredential c) {
        return c.expiresAt() == null || c.expiresAt().isBefore(clock.instant().plus(RENEW_BEFORE));
    }

    /** One renewal per member at a time; a call that waited finds the fresh token and does nothing. */
    private void renew(Member member, boolean always, String why) {
        ReentrantLock lock = renewing.computeIfAbsent(member.id(), k -> new ReentrantLock());
        lock.lock();
        try {
            Member current = store.read().byId(member.id()).orElse(member);
            VcsCredential c = VcsCredential.of(current).get(VcsProvider.GITHUB);
            if (c == null || !c.isGitHubApp()) {
                return;
            }
            if (!always && !expiring(c)) {
                return;
            }
            Issued issued = issue(current, new CredentialSource.GitHubApp(GitAccess.fromJson(c.access()).orElse(null), c.repos()));
            deploy(current, issued);
            record(current, issued);
            log.info("{}: GitHub App token minted again because {} (expires {})", member.friendlyName(), why, issued.expiresAt());
        } catch (VcsException e) {
            log.warn("{}: GitHub App token not renewed: {}", member.friendlyName(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ---- making the credential

    /** A credential ready to deploy. {@code secret} never leaves this class except on a member's standard input. */
    private record Issued(VcsProvider provider, String mode, String host, String username, String secret, String access,
                          List<String> repos, String detail, Instant expiresAt, String message, Map<String, String> metadata,
                          ApiCheck check) {
        @Override
        public String toString() {
            return "Issued[" + provider + ", " + mode + ", " + host + "]";
        }
    }

    private Issued issue(Member m, CredentialSource source) throws VcsException {
        if (source instanceof CredentialSource.GitHubApp app) {
            return mint(m, app);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (source instanceof CredentialSource.GitHubPat pat) {
            ApiCheck check = refuseRejected(github.user(pat.token()));
            meta.put("mode", "pat");
            meta.put("token", VcsCredential.hint(pat.token()));
            return new Issued(VcsProvider.GITHUB, "pat", settings.githubHost(), GITHUB_USER, pat.token(), null, null, null, null,
                    "GitHub PAT credentials deployed", meta, check);
        }
        if (source instanceof CredentialSource.Bitbucket bb) {
            ApiCheck check = refuseRejected(others.bitbucket(settings.bitbucketApi(), bb.email(), bb.apiToken()));
            meta.put("workspace", bb.workspace());
            meta.put("email", bb.email());
            return new Issued(VcsProvider.BITBUCKET, "api-token", settings.bitbucketHost(), BITBUCKET_GIT_USER, bb.apiToken(), null,
                    null, bb.workspace(), null, "Bitbucket credentials deployed", meta, check);
        }
        CredentialSource.AzureDevOps az = (CredentialSource.AzureDevOps) source;
        AzureOrg org = AzureOrg.of(az.orgUrl(), settings.azureDevOpsApi());
        ApiCheck check = refuseRejected(others.azureDevOps(org.api(), az.pat()));
        meta.put("org", org.name());
        return new Issued(VcsProvider.AZURE_DEVOPS, "pat", org.host(), "", az.pat(), null, null, org.name(), null,
                "Azure DevOps credentials deployed", meta, check);
    }

    private static ApiCheck refuseRejected(ApiCheck check) throws VcsException {
        if (check instanceof ApiCheck.Rejected r) {
            throw new VcsException(r.text() + "; nothing was deployed");
        }
        return check;
    }

    private Issued mint(Member m, CredentialSource.GitHubApp source) throws VcsException {
        GitAppStore.GitHubApp app = apps.load().orElseThrow(() -> new VcsException("GitHub App not configured. Run setup_git_app first."));
        GitAccess access = source.access() != null ? source.access() : m.gitAccess();
        if (access == null) {
            throw new VcsException("No git_access level specified and none on the member's registration "
                    + "(pass git_access, or set it with update_member).");
        }
        List<String> repos = source.repos() != null && !source.repos().isEmpty() ? source.repos() : m.gitRepos();
        if (repos == null || repos.isEmpty()) {
            throw new VcsException("No repos specified and none on the member's registration (pass repos, or set git_repos "
                    + "with update_member; [\"*\"] means every repository of the installation).");
        }
        for (String r : repos) {
            if (!REPO.matcher(r).matches()) {
                throw new VcsException("Token mint failed: Invalid repo name format: " + Quoted.value(r) + " (owner/name, or * for all)");
            }
        }
        List<String> names = repos.stream().filter(r -> !r.equals("*")).map(r -> r.substring(r.lastIndexOf('/') + 1)).distinct().toList();
        String jwt = AppJwt.create(app.appId(), apps.key(app), clock);
        Map<String, String> permissions = TokenPermissions.of(access);
        GitHubApi.Minted minted = github.mint(jwt, app.installationId(), permissions, names);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("mode", VcsCredential.GITHUB_APP);
        meta.put("access", access.json());
        meta.put("repos", String.join(", ", repos));
        meta.put("token", VcsCredential.hint(minted.token()));
        meta.put("expiresAt", minted.expiresAt().toString());
        try {
            meta.put("permissions", mapper.writeValueAsString(permissions));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            meta.put("permissions", permissions.toString());
        }
        return new Issued(VcsProvider.GITHUB, VcsCredential.GITHUB_APP, settings.githubHost(), GITHUB_USER, minted.token(),
                access.json(), repos, null, minted.expiresAt(), "GitHub App credentials deployed (expires " + minted.expiresAt() + ")",
                meta, null);
    }

    // ---- the member side

    private void deploy(Member m, Issued issued) throws VcsException {
        try {
            helper.install(m, issued.host(), issued.username(), issued.secret());
        } catch (ChannelException | VcsException e) {
            throw new VcsException("Failed to deploy " + issued.provider().json() + " credentials on \"" + m.friendlyName() + "\": "
                    + e.getMessage());
        }
    }

    private String verifyOnMember(Member m, Issued issued) {
        try {
            if (helper.answers(m, issued.host(), issued.secret())) {
                return "git on the member answers for " + issued.host() + " with the new credential";
            }
            return "⚠️ git in the member's work folder does not answer for " + issued.host() + " with the new credential "
                    + "(a credential.helper in a repository's own config may come first)";
        } catch (ChannelException e) {
            return "⚠️ could not ask git on the member: " + e.getMessage();
        }
    }

    /** GitHub: {@code git ls-remote} of the first named repository, from the member. Never fails the call. */
    private Optional<String> remoteCheck(Member m, Issued issued) {
        if (issued.provider() != VcsProvider.GITHUB) {
            return Optional.empty();
        }
        List<String> candidates = issued.repos() != null ? issued.repos() : m.gitRepos();
        Optional<String> repo = candidates == null ? Optional.empty()
                : candidates.stream().filter(r -> !r.equals("*") && REPO.matcher(r).matches()).findFirst();
        if (repo.isEmpty()) {
            return Optional.of("Skipped git ls-remote (no specific repo to test)");
        }
        String url = "https://" + issued.host() + "/" + repo.get() + ".git";
        try {
            return Optional.of(helper.reaches(m, url) ? "git ls-remote " + repo.get() + " succeeded"
                    : "⚠️ git ls-remote " + repo.get() + " failed (network, or no access to that repository)");
        } catch (ChannelException e) {
            return Optional.of("⚠️ git ls-remote " + repo.get() + " not run: " + e.getMessage());
        }
    }

    private VcsCredential record(Member m, Issued issued) {
        VcsCredential c = new VcsCredential(issued.provider(), issued.mode(), issued.host(), issued.username(), issued.access(),
                issued.repos(), issued.detail(), VcsCredential.hint(issued.secret()), issued.expiresAt(), clock.instant());
        store.update(r -> r.byId(m.id()).isEmpty() ? r : r.replacing(m.id(), c::recordOn));
        return c;
    }

    private void requireOnline(Member m) throws VcsException {
        ConnectionCheck check;
        try {
            check = channels.forMember(m).test();
        } catch (ChannelException e) {
            check = new ConnectionCheck.Unreachable(e.getMessage());
        }
        if (check instanceof ConnectionCheck.Unreachable u) {
            throw new VcsException("Member \"" + m.friendlyName() + "\" is offline: " + u.reason()
                    + (m.isCloud() ? " (a stopped cloud member can be started with cloud_control action=start)" : ""));
        }
    }

    /** Another member reached through the same account on the same machine that holds a credential for the host. */
    private Optional<Member> otherHolder(Member m, String host) {
        return store.read().members().stream()
                .filter(o -> !o.id().equals(m.id()) && sameAccount(o, m))
                .filter(o -> VcsCredential.of(o).values().stream().anyMatch(c -> host.equals(c.host())))
                .findFirst();
    }

    static boolean sameAccount(Member a, Member b) {
        if (a.isLocal() || b.isLocal()) {
            return a.isLocal() && b.isLocal();
        }
        return a.deviceKey().equals(b.deviceKey()) && Objects.equals(a.username(), b.username());
    }

    private String defaultHost(VcsProvider p) {
        return switch (p) {
            case GITHUB -> settings.githubHost();
            case BITBUCKET -> settings.bitbucketHost();
            case AZURE_DEVOPS -> AzureOrg.CLOUD_HOST;
        };
    }
}
