package dev.fleet.vcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.member.AgentType;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member's git credential records live in its registry entry ({@code vcsAuth}) and survive every rewrite of the file. */
class VcsCredentialRegistryTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final RegistryCodec codec = new RegistryCodec(mapper);

    private static final VcsCredential GITHUB_APP = new VcsCredential(VcsProvider.GITHUB, VcsCredential.GITHUB_APP, "github.com",
            "x-access-token", "push", List.of("acme/app", "acme/lib"), null, "ghs_****",
            Instant.parse("2026-05-01T11:00:00Z"), Instant.parse("2026-05-01T10:00:00Z"));
    private static final VcsCredential BITBUCKET = new VcsCredential(VcsProvider.BITBUCKET, "api-token", "bitbucket.org",
            "x-bitbucket-api-token-auth", null, null, "acme-ws", "ATAT****", null, Instant.parse("2026-05-01T10:05:00Z"));

    @Test
    void recordsSurviveTheStoreAndChangesToOtherFields(@TempDir Path tmp) throws Exception {
        RegistryStore store = new RegistryStore(new DataDir(tmp).ensureExists(), codec);
        Member member = Member.builder().id("m-1").friendlyName("worker").agentType(AgentType.LOCAL).workFolder("/w").build();
        store.update(r -> r.with(member));

        store.update(r -> r.replacing("m-1", GITHUB_APP::recordOn));
        store.update(r -> r.replacing("m-1", BITBUCKET::recordOn));
        // Fleet rewrites the entry for other reasons: a new session, a new icon.
        store.update(r -> r.replacing("m-1", m -> m.withSessionId("s-42").toBuilder().icon("🟢").build()));

        Member read = store.read().byId("m-1").orElseThrow();
        assertThat(read.sessionId()).isEqualTo("s-42");
        assertThat(VcsCredential.of(read)).containsOnlyKeys(VcsProvider.GITHUB, VcsProvider.BITBUCKET);
        assertThat(VcsCredential.of(read).get(VcsProvider.GITHUB)).isEqualTo(GITHUB_APP);
        assertThat(VcsCredential.of(read).get(VcsProvider.BITBUCKET)).isEqualTo(BITBUCKET);

        JsonNode entry = mapper.readTree(Files.readAllBytes(tmp.resolve("registry.json"))).get("agents").get(0);
        assertThat(entry.get("vcsAuth").get("github").get("expiresAt").asText()).isEqualTo("2026-05-01T11:00:00Z");
        assertThat(entry.get("vcsAuth").get("bitbucket").get("detail").asText()).isEqualTo("acme-ws");

        store.update(r -> r.replacing("m-1", m -> VcsCredential.forget(m, VcsProvider.GITHUB)));
        assertThat(VcsCredential.of(store.read().byId("m-1").orElseThrow())).containsOnlyKeys(VcsProvider.BITBUCKET);
        store.update(r -> r.replacing("m-1", m -> VcsCredential.forget(m, VcsProvider.BITBUCKET)));
        assertThat(mapper.readTree(Files.readAllBytes(tmp.resolve("registry.json"))).get("agents").get(0).has("vcsAuth"))
                .as("no empty record is left behind").isFalse();
    }

    @Test
    void anEntryWrittenByAnotherFleetIsReadAndWrittenBackAsItWas() throws Exception {
        String file = """
                {"version": "1.0", "agents": [{"id": "m-1", "friendlyName": "worker", "agentType": "local", "workFolder": "/w",
                  "vcsAuth": {"github": {"mode": "pat", "host": "github.com", "username": "x-access-token",
                                         "token": "ghp_****", "provisionedAt": "2026-05-01T10:00:00Z", "scopes": ["repo"]},
                              "gitlab": {"mode": "pat", "host": "gitlab.com"}}}]}
                """;
        Registry r = codec.parse(file.getBytes(StandardCharsets.UTF_8));
        VcsCredential pat = VcsCredential.of(r.members().get(0)).get(VcsProvider.GITHUB);
        assertThat(pat.mode()).isEqualTo("pat");
        assertThat(pat.tokenHint()).isEqualTo("ghp_****");
        assertThat(pat.expiresAt()).isNull();
        assertThat(mapper.readTree(codec.write(r))).as("unknown providers and keys are kept").isEqualTo(mapper.readTree(file));
    }
}
