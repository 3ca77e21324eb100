package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCodecTest {
    private final RegistryCodec codec = new RegistryCodec(new ObjectMapper());

    /** A registry as the original product writes it, with a cloud member and fields this version does not know. */
    private static final String ORIGINAL = """
            {
              "version": "1.0",
              "agents": [
                {
                  "id": "6f1c1b0e-1111-4222-8333-444455556666",
                  "friendlyName": "gpu-box",
                  "agentType": "remote",
                  "host": "54.1.2.3",
                  "port": 22,
                  "username": "ubuntu",
                  "authType": "key",
                  "keyPath": "/home/me/.ssh/gpu.pem",
                  "workFolder": "/home/ubuntu/train",
                  "sessionId": "a1b2c3",
                  "os": "linux",
                  "createdAt": "2026-03-18T10:00:00.000Z",
                  "lastUsed": "2026-03-19T11:30:00.000Z",
                  "icon": "🔥",
                  "gitAccess": "push",
                  "gitRepos": ["acme/model"],
                  "vcsTokenExpiry": "2026-04-01T00:00:00Z",
                  "cloud": {
                    "provider": "aws",
                    "instanceId": "i-0123456789abcdef0",
                    "region": "eu-west-1",
                    "profile": "ml",
                    "idleTimeoutMin": 45,
                    "sshKeyPath": "/home/me/.ssh/gpu.pem",
                    "activityCommand": "pgrep -f train.py >/dev/null && echo busy || echo idle",
                    "spot": false
                  }
                }
              ],
              "settings": {"theme": "dark"}
            }
            """;

    @Test
    void membersOfAnotherTypeAreRefusedNotReadAsNoMembers() throws Exception {
        // Read as "no members", the next update would have written an empty list over them.
        assertThatThrownBy(() -> codec.parse("{\"agents\": {\"a\": {\"id\": \"x\"}}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("registry field \"agents\" must be a JSON array of members, not object");
        assertThatThrownBy(() -> codec.parse("{\"agents\": [{\"id\": \"x\"}, 5]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("registry member 2 must be a JSON object, not number");
        assertThat(codec.parse("{\"agents\": null}".getBytes(StandardCharsets.UTF_8)).members()).isEmpty();
    }

    /** A hand-edited registry's values reach the terminal and logs through these messages: inert and short. */
    @Test
    void anUnknownOsAgentTypeOrAuthTypeIsQuotedBackInertAndShort() {
        String escape = "\\u001b]0;PWN\\u0007";
        String long60 = "x".repeat(60);
        for (String field : List.of("os", "agentType", "authType")) {
            String member = "{\"agents\": [{\"id\": \"x\", \"friendlyName\": \"a\\u202eb\", \"" + field + "\": \"" + escape + long60 + "\"}]}";
            assertThatThrownBy(() -> codec.parse(member.getBytes(StandardCharsets.UTF_8)))
                    .hasMessage("registry member 'a\\u202eb' is malformed: unknown " + field + " '\\u001b]0;PWN\\u0007"
                            + "x".repeat(40 - 8) + "…'");
        }
        String badTime = "{\"agents\": [{\"id\": \"x\", \"friendlyName\": \"a\", \"createdAt\": \"" + escape + long60 + "\"}]}";
        assertThatThrownBy(() -> codec.parse(badTime.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("registry member 'a' is malformed: createdAt '\\u001b]0;PWN\\u0007" + "x".repeat(40 - 8)
                        + "…' is not an ISO-8601 instant");
    }

    /** A member an older import wrote without a name does not end every lookup by name. */
    @Test
    void aMemberWithoutANameIsPassedOverByANameLookup() throws Exception {
        Registry r = codec.parse("{\"agents\": [{\"id\": \"x\"}, {\"id\": \"y\", \"friendlyName\": \"named\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.byName("named")).map(Member::id).contains("y");
        assertThat(r.byName("other")).isEmpty();
        assertThat(r.byName(null)).isEmpty();
    }

    @Test
    void aDamagedRegistryIsReportedByPlaceNeverByTheTextItHolds() throws Exception {
        // A hand-edited file with a password left unquoted: the parser's own message would quote it.
        byte[] damaged = "{\"agents\": [{\"id\": \"a\", \"password\": hunter2SecretValue}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.parse(damaged))
                .hasMessage("registry is not valid JSON at line 1, column 37")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void readsTheOriginalShapeAndWritesItBackWithoutLosingAnything() throws Exception {
        Registry r = codec.parse(ORIGINAL.getBytes(StandardCharsets.UTF_8));
        Member m = r.members().get(0);
        assertThat(m.agentType()).isEqualTo(AgentType.REMOTE);
        assertThat(m.authType()).isEqualTo(AuthType.KEY);
        assertThat(m.port()).isEqualTo(22);
        assertThat(m.cloud().instanceId()).isEqualTo("i-0123456789abcdef0");
        assertThat(m.cloud().idleTimeoutMin()).isEqualTo(45);
        assertThat(m.lastUsed()).hasToString("2026-03-19T11:30:00Z");

        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(codec.write(r))).isEqualTo(json.readTree(ORIGINAL.replace(".000Z", "Z")));
    }

    @Test
    void aMissingFileIsAnEmptyRegistryAndACorruptOneIsRefusedUntouched(@TempDir Path tmp) throws Exception {
        RegistryStore store = new RegistryStore(new DataDir(tmp).ensureExists(), codec);
        assertThat(store.read().members()).isEmpty();
        Files.writeString(tmp.resolve("registry.json"), "{\"version\": \"1.0\", \"agents\": [");
        assertThatThrownBy(store::read).hasMessageContaining("left untouched");
        assertThatThrownBy(() -> store.update(r -> r)).hasMessageContaining("left untouched");
        assertThat(Files.readString(tmp.resolve("registry.json"))).isEqualTo("{\"version\": \"1.0\", \"agents\": [");
    }

    @Test
    void aGitLevelThisVersionDoesNotKnowIsWrittenBackAsItWas() throws Exception {
        String json = ORIGINAL.replace("\"gitAccess\": \"push\"", "\"gitAccess\": \"maintain\"");
        Registry r = codec.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.members().get(0).gitAccess()).isNull();

        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(codec.write(r))).isEqualTo(mapper.readTree(json.replace(".000Z", "Z")));
        Registry chosen = r.replacing(r.members().get(0).id(), m -> m.toBuilder().gitAccess(GitAccess.READ).build());
        assertThat(mapper.readTree(codec.write(chosen)).get("agents").get(0).get("gitAccess").asText()).isEqualTo("read");
    }

    /**
     * Members kept from the last write are written again from their text of then (a registration
     * among a thousand members serialises one). The file must still be exactly what the whole
     * registry serialised afresh would be, and a changed member must never come back as it was.
     */
    @Test
    void aMemberWrittenBeforeIsWrittenAsTheWholeRegistryWouldBeAndAChangeAlwaysShows() throws Exception {
        Registry r = codec.parse(ORIGINAL.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            r = r.with(Member.builder().id("id-" + i).friendlyName("m" + i).agentType(AgentType.LOCAL)
                    // A line break and a quote in a folder's name are legal on Linux; they stay inside the string.
                    .workFolder("/tmp/odd\n  \"name\" " + i).os(MemberOs.LINUX).icon("🟢").build());
        }
        assertThat(codec.write(r)).asString(StandardCharsets.UTF_8).isEqualTo(wholeTree(r));
        assertThat(codec.write(r)).as("written again from the kept texts").asString(StandardCharsets.UTF_8)
                .isEqualTo(wholeTree(r));

        Registry changed = r.replacing("id-1", m -> m.toBuilder().workFolder("/tmp/moved").build())
                .without("id-0").with(Member.builder().id("id-9").friendlyName("m9").agentType(AgentType.LOCAL)
                        .workFolder("/tmp/new").os(MemberOs.LINUX).build());
        byte[] written = codec.write(changed);
        assertThat(written).asString(StandardCharsets.UTF_8).isEqualTo(wholeTree(changed));
        Registry back = codec.parse(written);
        assertThat(back.byId("id-1").orElseThrow().workFolder()).isEqualTo("/tmp/moved");
        assertThat(back.byId("id-0")).isEmpty();
        assertThat(back.byId("id-2").orElseThrow().workFolder()).isEqualTo("/tmp/odd\n  \"name\" 2");
        assertThat(back.byId("id-2").orElseThrow().icon()).isEqualTo("🟢");
        assertThat(back.members()).extracting(Member::friendlyName).containsExactly("gpu-box", "m1", "m2", "m9");

        // Another codec's (or a parse's) instances are other members: nothing is taken for them by value.
        Registry reparsed = codec.parse(written);
        assertThat(codec.write(reparsed)).isEqualTo(written);
    }

    /** The registry as one tree, pretty printed by Jackson: what the file held before member texts were kept. */
    private String wholeTree(Registry r) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("version", r.version());
        ArrayNode agents = root.putArray("agents");
        r.members().forEach(m -> agents.add(codec.memberNode(m)));
        r.extra().forEach(root::set);
        return mapper.writeValueAsString(root);
    }
}
