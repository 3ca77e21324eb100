package dev.fleet.member;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One registered member: a machine plus a working folder.
 *
 * <p>Components follow the registry's JSON one to one, so the file is read and written back
 * exactly as it was (see docs/decisions.md). What kind of member it is, and what reaching it
 * takes, is {@link #kind()}: code that differs by kind switches on that type rather than testing
 * these fields for null. {@code encryptedPassword} is sealed by {@link dev.fleet.security.SecretBox};
 * it is never shown. {@code extra} keeps unknown JSON fields so that a newer or older fleet sharing
 * the data directory loses nothing.
 */
public record Member(
        String id,
        String friendlyName,
        AgentType agentType,
        String host,
        Integer port,
        String username,
        AuthType authType,
        String encryptedPassword,
        String keyPath,
        String workFolder,
        String sessionId,
        MemberOs os,
        Instant createdAt,
        Instant lastUsed,
        Instant stopRequestedAt,
        String icon,
        GitAccess gitAccess,
        List<String> gitRepos,
        CloudConfig cloud,
        Map<String, JsonNode> extra) {

    /** The {@link #deviceKey} of every local member: they all live on this machine. */
    public static final String LOCAL_DEVICE = "local";

    public Member {
        gitRepos = gitRepos == null ? null : List.copyOf(gitRepos);
        // Insertion order kept: unknown fields are rewritten where they stood.
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    public boolean isLocal() {
        return agentType == AgentType.LOCAL;
    }

    /** The member's own idle timeout in minutes (the default for a member without one); a budget may shorten it. */
    public int ownIdleTimeoutMin() {
        return cloud == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN : cloud.idleTimeoutMin();
    }

    public boolean isCloud() {
        return cloud != null;
    }

    /** Local, remote over SSH, or cloud (SSH plus an instance); a cloud block makes a remote member a cloud one. */
    public MemberKind kind() {
        if (isLocal()) {
            return new MemberKind.Local();
        }
        SshLogin login = new SshLogin(host, port, username, authType, encryptedPassword, keyPath);
        return cloud != null ? new MemberKind.Cloud(login, cloud) : new MemberKind.Remote(login);
    }

    /**
     * The member's OS as registered. A registry entry without one (written by hand, or by an old
     * version) means this machine's OS for a local member and Linux for a remote one.
     */
    public MemberOs osOrAssumed() {
        if (os != null) {
            return os;
        }
        return isLocal() ? MemberOs.current() : MemberOs.LINUX;
    }

    /** Host as shown to people and used for duplicate checks; local members live on "localhost". */
    public String deviceKey() {
        return isLocal() ? LOCAL_DEVICE : (host == null ? "" : host.toLowerCase(java.util.Locale.ROOT)) + ":" + (port == null ? 22 : port);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Member withSessionId(String newSessionId) {
        return toBuilder().sessionId(newSessionId).build();
    }

    public Member withLastUsed(Instant when) {
        return toBuilder().lastUsed(when).build();
    }

    /** Builder for updates: records stay immutable, changes stay readable. */
    public static final class Builder {
        private String id;
        private String friendlyName;
        private AgentType agentType = AgentType.REMOTE;
        private String host;
        private Integer port;
        private String username;
        private AuthType authType;
        private String encryptedPassword;
        private String keyPath;
        private String workFolder;
        private String sessionId;
        private MemberOs os;
        private Instant createdAt;
        private Instant lastUsed;
        private Instant stopRequestedAt;
        private String icon;
        private GitAccess gitAccess;
        private List<String> gitRepos;
        private CloudConfig cloud;
        private Map<String, JsonNode> extra = Map.of();

        private Builder() {
        }

        private Builder(Member m) {
            id = m.id;
            friendlyName = m.friendlyName;
            agentType = m.agentType;
            host = m.host;
            port = m.port;
            username = m.username;
            authType = m.authType;
            encryptedPassword = m.encryptedPassword;
            keyPath = m.keyPath;
            workFolder = m.workFolder;
            sessionId = m.sessionId;
            os = m.os;
            createdAt = m.createdAt;
            lastUsed = m.lastUsed;
            stopRequestedAt = m.stopRequestedAt;
            icon = m.icon;
            gitAccess = m.gitAccess;
            gitRepos = m.gitRepos;
            cloud = m.cloud;
            extra = m.extra;
        }

        public Builder id(String v) { id = v; return this; }
        public Builder friendlyName(String v) { friendlyName = v; return this; }
        public Builder agentType(AgentType v) { agentType = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(Integer v) { port = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder authType(AuthType v) { authType = v; return this; }
        public Builder encryptedPassword(String v) { encryptedPassword = v; return this; }
        public Builder keyPath(String v) { keyPath = v; return this; }
        public Builder workFolder(String v) { workFolder = v; return this; }
        public Builder sessionId(String v) { sessionId = v; return this; }
        public Builder os(MemberOs v) { os = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder lastUsed(Instant v) { lastUsed = v; return this; }
        public Builder stopRequestedAt(Instant v) { stopRequestedAt = v; return this; }
        public Builder icon(String v) { icon = v; return this; }
        public Builder gitAccess(GitAccess v) { gitAccess = v; return this; }
        public Builder gitRepos(List<String> v) { gitRepos = v; return this; }
        public Builder cloud(CloudConfig v) { cloud = v; return this; }
        public Builder extra(Map<String, JsonNode> v) { extra = v; return this; }

        public Member build() {
            return new Member(id, friendlyName, agentType, host, port, username, authType, encryptedPassword,
                    keyPath, workFolder, sessionId, os, createdAt, lastUsed, stopRequestedAt, icon, gitAccess, gitRepos, cloud, extra);
        }
    }
}
