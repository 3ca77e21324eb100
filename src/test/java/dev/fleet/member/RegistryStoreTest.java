package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryStoreTest {
    @TempDir
    Path tmp;

    private RegistryStore store() {
        return new RegistryStore(new DataDir(tmp).ensureExists(), new RegistryCodec(new ObjectMapper()));
    }

    private static Member local(String name, String session) {
        return Member.builder().id(name + "-id").friendlyName(name).agentType(AgentType.LOCAL).workFolder("/w/" + name)
                .sessionId(session).createdAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    @Test
    void anUpdateGivesBackWhatItReadUnderTheLockAndStoresTheChange() {
        RegistryStore store = store();
        store.update(r -> r.with(local("a", "s1")).with(local("b", null)));

        Member cleared = store.update(r -> r.byName("a").orElseThrow(),
                (r, a) -> r.replacing(a.id(), m -> m.withSessionId(null)));

        assertThat(cleared.sessionId()).as("the member as it was found").isEqualTo("s1");
        assertThat(store.read().byName("a").orElseThrow().sessionId()).isNull();
    }

    @Test
    void aRefusalWhileReadingChangesNothing() throws Exception {
        RegistryStore store = store();
        store.update(r -> r.with(local("a", "s1")));
        String before = Files.readString(tmp.resolve("registry.json"));

        assertThatThrownBy(() -> store.update(r -> {
            throw new IllegalStateException("no such member");
        }, (r, nothing) -> Registry.empty())).hasMessage("no such member");
        Integer unchanged = store.update(r -> r.members().size(), (r, n) -> r);

        assertThat(unchanged).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("registry.json"))).isEqualTo(before);
    }

    @Test
    void anUnchangedFileIsNotParsedAgain() {
        RegistryStore store = store();
        store.update(r -> r.with(local("a", null)));
        assertThat(store.read()).isSameAs(store.read());
    }

    @Test
    void aChangeByAnotherProcessIsSeenByTheNextRead() throws Exception {
        RegistryStore mine = store();
        mine.update(r -> r.with(local("a", null)));
        assertThat(mine.read().members()).extracting(Member::friendlyName).containsExactly("a");

        // Another fleet process: its own store on the same data dir (a different object, the same file).
        RegistryStore theirs = store();
        theirs.update(r -> r.with(local("b", null)));
        assertThat(mine.read().members()).extracting(Member::friendlyName).containsExactly("a", "b");

        // A hand edit that keeps the size and the inode: only the modification time tells.
        Path file = tmp.resolve("registry.json");
        String json = Files.readString(file);
        Files.writeString(file, json.replace("\"b\"", "\"c\""));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(mine.read().members()).extracting(Member::friendlyName).containsExactly("a", "c");
    }

    @Test
    void aWriteRemovesTheTemporariesOfAKilledWriterAndNothingElse() throws Exception {
        RegistryStore store = store();
        store.update(r -> r.with(local("a", null)));
        Path stale = Files.writeString(tmp.resolve("registry.json.4242-7.tmp"), "{\"half\":");
        Path[] others = {
            Files.writeString(tmp.resolve("registry.json.tmp"), "x"),
            Files.writeString(tmp.resolve("registry.jsonl.1-1.tmp"), "x"),
            Files.writeString(tmp.resolve("other.json.1-1.tmp"), "x"),
            Files.writeString(tmp.resolve("registry.json.1-1.tmp.keep"), "x"),
            Files.writeString(tmp.resolve("registry.json.old.tmp"), "x"),
            Files.writeString(tmp.resolve("registry.json.1-.tmp"), "x"),
        };

        store.update(r -> r.with(local("b", null)));

        assertThat(stale).doesNotExist();
        for (Path other : others) {
            assertThat(other).as("not a temporary of the registry").exists();
        }
        assertThat(store.read().members()).extracting(Member::friendlyName).containsExactly("a", "b");
    }
}
