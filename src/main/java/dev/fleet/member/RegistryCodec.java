package dev.fleet.member;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.base.Quoted;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes {@code registry.json} in the original product's shape. Known fields map to
 * records; every other field is carried through untouched so that no rewrite loses data.
 */
public final class RegistryCodec {
    private static final Set<String> TOP_FIELDS = Set.of("version", "agents");
    private static final Set<String> MEMBER_FIELDS = Set.of("id", "friendlyName", "agentType", "host", "port",
            "username", "authType", "encryptedPassword", "keyPath", "workFolder", "sessionId", "os", "createdAt",
            "lastUsed", "stopRequestedAt", "icon", "gitAccess", "gitRepos", "cloud");
    private static final Set<String> MEMBER_FIELDS_BUT_GIT_ACCESS = MEMBER_FIELDS.stream()
            .filter(f -> !f.equals("gitAccess")).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> CLOUD_FIELDS = Set.of("provider", "instanceId", "region", "profile",
            "idleTimeoutMin", "sshKeyPath", "activityCommand", "budgetUsdPerDay", "gpuBusyMinUtil", "guard");

    /** One level of the pretty printer's indent (Jackson's default). */
    private static final String INDENT = "  ";

    private final ObjectMapper mapper;
    /** Each member's text as last written, by instance (see {@link #write}); replaced whole, so it needs no lock. */
    private volatile Map<Member, SerializedString> written = Map.of();

    public RegistryCodec(ObjectMapper mapper) {
        this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Registry parse(byte[] json) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Where, never what: the parser's own message quotes the text it stopped at (up to 256
            // characters), which in a damaged or hand-edited registry may be a password or token, and
            // this message reaches the terminal, tool results and logs.
            throw new IOException("registry is not valid JSON" + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            // Fleet never writes an empty file; treating one as "no members" would let the next
            // update silently drop whatever the file held before it was emptied.
            throw new IOException("registry file is empty");
        }
        if (!root.isObject()) {
            throw new IOException("registry is not a JSON object");
        }
        List<Member> members = new ArrayList<>();
        JsonNode agents = root.get("agents");
        // Like an empty file: "agents" of another type read as no members would have the next update
        // write back an empty list over whatever the file held, so it is refused instead.
        if (agents != null && !agents.isNull() && !agents.isArray()) {
            throw new IOException("registry field \"agents\" must be a JSON array of members, not " + agents.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (agents != null && agents.isArray()) {
            int index = 0;
            for (JsonNode a : agents) {
                index++;
                if (!a.isObject()) {
                    throw new IOException("registry member " + index + " must be a JSON object, not " + a.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                }
                members.add(member(a));
            }
        }
        String version = text(root, "version");
        return new Registry(version == null ? Registry.CURRENT_VERSION : version, members, extra(root, TOP_FIELDS));
    }

    /**
     * The registry as the file's bytes. A member written before, as the same instance, is written
     * again from its text of then: members are values (a change makes a new one), so registering
     * one member among a thousand serialises one, not a thousand and one. Only the texts of the
     * members last written are kept.
     */
    public byte[] write(Registry registry) throws IOException {
        Map<Member, SerializedString> before = written;
        Map<Member, SerializedString> now = new IdentityHashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", registry.version());
            g.writeArrayFieldStart("agents");
            for (Member m : registry.members()) {
                SerializedString text = before.get(m);
                if (text == null) {
                    text = memberText(m);
                }
                now.put(m, text);
                g.writeRawValue(text);
            }
            g.writeEndArray();
            for (Map.Entry<String, JsonNode> e : registry.extra().entrySet()) {
                // The fields written above are the registry's own; an unknown one never takes their place.
                if (!TOP_FIELDS.contains(e.getKey())) {
                    g.writeFieldName(e.getKey());
                    g.writeTree(e.getValue());
                }
            }
            g.writeEndObject();
        }
        written = now;
        return out.toByteArray();
    }

    /**
     * A member's JSON as it stands inside the file's {@code agents} array: written on its own, one
     * level deeper. Only the pretty printer puts a line break in JSON text (one inside a string is
     * written as the two characters {@code \n}), so each line break takes one more indent.
     */
    private SerializedString memberText(Member m) throws IOException {
        return new SerializedString(mapper.writeValueAsString(memberNode(m)).replace("\n", "\n" + INDENT));
    }

    public ObjectNode memberNode(Member m) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", m.id());
        n.put("friendlyName", m.friendlyName());
        n.put("agentType", m.agentType().json());
        putIfPresent(n, "host", m.host());
        if (m.port() != null) {
            n.put("port", m.port());
        }
        putIfPresent(n, "username", m.username());
        if (m.authType() != null) {
            n.put("authType", m.authType().json());
        }
        putIfPresent(n, "encryptedPassword", m.encryptedPassword());
        putIfPresent(n, "keyPath", m.keyPath());
        n.put("workFolder", m.workFolder());
        putIfPresent(n, "sessionId", m.sessionId());
        if (m.os() != null) {
            n.put("os", m.os().json());
        }
        if (m.createdAt() != null) {
            n.put("createdAt", m.createdAt().toString());
        }
        if (m.lastUsed() != null) {
            n.put("lastUsed", m.lastUsed().toString());
        }
        if (m.stopRequestedAt() != null) {
            n.put("stopRequestedAt", m.stopRequestedAt().toString());
        }
        putIfPresent(n, "icon", m.icon());
        if (m.gitAccess() != null) {
            n.put("gitAccess", m.gitAccess().json());
        }
        if (m.gitRepos() != null) {
            ArrayNode repos = n.putArray("gitRepos");
            m.gitRepos().forEach(repos::add);
        }
        if (m.cloud() != null) {
            n.set("cloud", cloudNode(m.cloud()));
        }
        // Unknown fields go back as they were; a field set above (a git level chosen since) wins over its old raw value.
        m.extra().forEach((field, value) -> {
            if (!n.has(field)) {
                n.set(field, value);
            }
        });
        return n;
    }

    private ObjectNode cloudNode(CloudConfig c) {
        ObjectNode n = mapper.createObjectNode();
        n.put("provider", c.provider());
        n.put("instanceId", c.instanceId());
        n.put("region", c.region());
        putIfPresent(n, "profile", c.profile());
        n.put("idleTimeoutMin", c.idleTimeoutMin());
        putIfPresent(n, "sshKeyPath", c.sshKeyPath());
        putIfPresent(n, "activityCommand", c.activityCommand());
        // Cost-safety fields are written only when set, so a registry without them stays as it was.
        if (c.budgetUsdPerDay() != null) {
            n.put("budgetUsdPerDay", c.budgetUsdPerDay());
        }
        if (c.gpuBusyMinUtil() != 0) {
            n.put("gpuBusyMinUtil", c.gpuBusyMinUtil());
        }
        if (c.guardOff()) {
            n.put("guard", "off");
        }
        c.extra().forEach(n::set);
        return n;
    }

    private Member member(JsonNode a) throws IOException {
        try {
            JsonNode port = a.get("port");
            JsonNode repos = a.get("gitRepos");
            List<String> gitRepos = null;
            if (repos != null && repos.isArray()) {
                gitRepos = new ArrayList<>();
                for (JsonNode r : repos) {
                    gitRepos.add(r.asText());
                }
            }
            String agentType = text(a, "agentType");
            String authType = text(a, "authType");
            String os = text(a, "os");
            JsonNode cloud = a.get("cloud");
            // A level this version does not know stays in the file as written (carried as an unknown field).
            GitAccess gitAccess = GitAccess.fromJson(text(a, "gitAccess")).orElse(null);
            Map<String, JsonNode> extra = extra(a, gitAccess == null ? MEMBER_FIELDS_BUT_GIT_ACCESS : MEMBER_FIELDS);
            return Member.builder()
                    .id(text(a, "id"))
                    .friendlyName(text(a, "friendlyName"))
                    .agentType(agentType == null ? AgentType.REMOTE : AgentType.fromJson(agentType))
                    .host(text(a, "host"))
                    .port(port != null && port.canConvertToInt() ? port.asInt() : null)
                    .username(text(a, "username"))
                    .authType(authType == null ? null : AuthType.fromJson(authType))
                    .encryptedPassword(text(a, "encryptedPassword"))
                    .keyPath(text(a, "keyPath"))
                    .workFolder(text(a, "workFolder"))
                    .sessionId(text(a, "sessionId"))
                    .os(os == null ? null : MemberOs.fromJson(os))
                    .createdAt(instant(a, "createdAt"))
                    .lastUsed(instant(a, "lastUsed"))
                    .stopRequestedAt(instant(a, "stopRequestedAt"))
                    .icon(text(a, "icon"))
                    .gitAccess(gitAccess)
                    .gitRepos(gitRepos)
                    .cloud(cloud != null && cloud.isObject() ? cloud(cloud) : null)
                    .extra(extra)
                    .build();
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IOException("registry member " + Quoted.value(text(a, "friendlyName")) + " is malformed: " + e.getMessage(), e);
        }
    }

    private CloudConfig cloud(JsonNode c) {
        JsonNode idle = c.get("idleTimeoutMin");
        JsonNode budget = c.get("budgetUsdPerDay");
        JsonNode gpuMin = c.get("gpuBusyMinUtil");
        String region = text(c, "region");
        return new CloudConfig(
                text(c, "provider"),
                text(c, "instanceId"),
                region == null ? CloudConfig.DEFAULT_REGION : region,
                text(c, "profile"),
                idle != null && idle.canConvertToInt() ? idle.asInt() : CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN,
                text(c, "sshKeyPath"),
                text(c, "activityCommand"),
                budget != null && budget.isNumber() && budget.asDouble() > 0 ? budget.asDouble() : null,
                gpuMin != null && gpuMin.canConvertToInt() ? Math.max(0, Math.min(100, gpuMin.asInt())) : 0,
                "off".equals(text(c, "guard")),
                extra(c, CLOUD_FIELDS));
    }

    private static Map<String, JsonNode> extra(JsonNode node, Set<String> known) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        return extra;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = text(node, field);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            // The parser's own message quotes the whole text, unbounded and raw.
            throw new IllegalArgumentException(field + " " + Quoted.value(v) + " is not an ISO-8601 instant", e);
        }
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
