package dev.fleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.base.InvalidRequest;
import dev.fleet.exec.FileStat;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule that tells an unchanged file, for both directions, over two made-up ends. */
class UnchangedTest {

    /** An end with fixed stats and hashes that records which files it was asked to hash. */
    static final class End<F> implements Unchanged.Side<F> {
        final Map<F, FileStat> stats = new HashMap<>();
        final Map<F, String> hashes = new HashMap<>();
        final List<F> hashed = new ArrayList<>();

        End<F> file(F f, long size, long time, String hash) {
            stats.put(f, new FileStat(size, time));
            if (hash != null) {
                hashes.put(f, hash);
            }
            return this;
        }

        @Override
        public FileStat stat(F file) {
            return stats.get(file);
        }

        @Override
        public Map<F, String> hashes(Collection<F> files) {
            hashed.addAll(files);
            Map<F, String> out = new HashMap<>();
            files.stream().filter(hashes::containsKey).forEach(f -> out.put(f, hashes.get(f)));
            return out;
        }
    }

    final End<String> member = new End<String>()
            .file("/w/same", 10, 100, "h1")
            .file("/w/newer", 10, 200, "h2")
            .file("/w/longer", 11, 100, "h3")
            .file("/w/unhashable", 10, 100, null)
            .file("/w/edited", 10, 100, "h5");
    final End<Integer> local = new End<Integer>()
            .file(1, 10, 100, "h1")
            .file(2, 10, 100, "h2")
            .file(3, 10, 100, "h3")
            .file(4, 10, 100, "h4")
            .file(5, 10, 100, "other");
    final List<Unchanged.Pair<Integer>> pairs = List.of(new Unchanged.Pair<>("/w/same", 1), new Unchanged.Pair<>("/w/newer", 2),
            new Unchanged.Pair<>("/w/longer", 3), new Unchanged.Pair<>("/w/unhashable", 4), new Unchanged.Pair<>("/w/edited", 5),
            new Unchanged.Pair<>("/w/missing", 1));

    @Test
    void sizeAndTimeCompareWithoutReadingAnyContent() throws Exception {
        assertThat(Unchanged.same(SkipUnchanged.SIZE_AND_MTIME, pairs, member, local))
                .containsExactlyInAnyOrder("/w/same", "/w/unhashable", "/w/edited");
        assertThat(member.hashed).isEmpty();
        assertThat(local.hashed).isEmpty();
    }

    @Test
    void checksumsIgnoreTimeAndReadHereOnlyWhatTheMemberCouldHash() throws Exception {
        assertThat(Unchanged.same(SkipUnchanged.CHECKSUM, pairs, member, local))
                .containsExactlyInAnyOrder("/w/same", "/w/newer");
        assertThat(member.hashed).as("all of the same size, in one request")
                .containsExactly("/w/same", "/w/newer", "/w/unhashable", "/w/edited");
        assertThat(local.hashed).containsExactlyInAnyOrder(1, 2, 5);
    }

    @Test
    void neverComparesNothing() throws Exception {
        assertThat(Unchanged.same(SkipUnchanged.NEVER, pairs, member, local)).isEmpty();
    }

    @Test
    void aFileWithoutComparableAttributesIsNeverUnchanged() throws Exception {
        End<Integer> link = new End<>();
        link.stats.put(1, null);
        assertThat(Unchanged.same(SkipUnchanged.SIZE_AND_MTIME, List.of(new Unchanged.Pair<>("/w/same", 1)), member, link)).isEmpty();
    }

    @Test
    void checksumsAreRefusedByNameWhereTheMemberHasNoHashCommand() {
        assertThatThrownBy(() -> Unchanged.refuseUnsupported(SkipUnchanged.CHECKSUM, OsCommands.forOs(MemberOs.WINDOWS)))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("skip_unchanged")
                .hasMessageContaining("checksum needs a Linux or macOS member");
        Unchanged.refuseUnsupported(SkipUnchanged.SIZE_AND_MTIME, OsCommands.forOs(MemberOs.WINDOWS));
        Unchanged.refuseUnsupported(SkipUnchanged.NEVER, OsCommands.forOs(MemberOs.WINDOWS));
        Unchanged.refuseUnsupported(SkipUnchanged.CHECKSUM, OsCommands.forOs(MemberOs.LINUX));
        Unchanged.refuseUnsupported(SkipUnchanged.CHECKSUM, OsCommands.forOs(MemberOs.MACOS));
    }
}
