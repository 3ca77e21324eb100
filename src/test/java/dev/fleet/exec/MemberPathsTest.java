package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberPathsTest {
    @Test
    void staysInsideTheRoot() {
        assertThat(MemberPaths.resolveInside("/w", "a/b.txt", MemberOs.LINUX)).isEqualTo("/w/a/b.txt");
        assertThat(MemberPaths.resolveInside("/w/", "./a/../b", MemberOs.LINUX)).isEqualTo("/w/b");
        assertThat(MemberPaths.resolveInside("/w", ".", MemberOs.LINUX)).isEqualTo("/w");
        assertThat(MemberPaths.resolveInside("C:\\w", "a\\b", MemberOs.WINDOWS)).isEqualTo("C:\\w\\a\\b");
    }

    @Test
    void refusesEverythingThatLeaves() {
        assertThat(MemberPaths.resolveInside("/w", "../x", MemberOs.LINUX)).isNull();
        assertThat(MemberPaths.resolveInside("/w", "a/../../x", MemberOs.LINUX)).isNull();
        assertThat(MemberPaths.resolveInside("/w", "/etc/passwd", MemberOs.LINUX)).isNull();
        assertThat(MemberPaths.resolveInside("/w", "~/x", MemberOs.LINUX)).isNull();
        assertThat(MemberPaths.resolveInside("C:\\w", "..\\x", MemberOs.WINDOWS)).isNull();
        assertThat(MemberPaths.resolveInside("C:\\w", "D:\\x", MemberOs.WINDOWS)).isNull();
        assertThat(MemberPaths.resolveInside("/w", "a\0b", MemberOs.LINUX)).as("a NUL is no path on any OS").isNull();
        assertThat(MemberPaths.isInside("/w", "/w2/x")).isFalse();
        assertThat(MemberPaths.isInside("/w", "/w/x")).isTrue();
    }

    @Test
    void joinsCheckedNamesWithTheMembersSeparator() {
        assertThat(MemberPaths.join("/w/", List.of("a", "b.txt"), MemberOs.LINUX)).isEqualTo("/w/a/b.txt");
        assertThat(MemberPaths.join("C:\\w\\", List.of("a", "b.txt"), MemberOs.WINDOWS)).isEqualTo("C:\\w\\a\\b.txt");
        assertThat(MemberPaths.join("/w", List.of(), MemberOs.LINUX)).isEqualTo("/w");
    }

    @Test
    void theFolderAboveAPathOnEitherKindOfMember() {
        assertThat(MemberPaths.parent("/w/in/big.bin")).isEqualTo("/w/in");
        assertThat(MemberPaths.parent("/big.bin")).isEqualTo("/");
        assertThat(MemberPaths.parent("C:\\w\\in\\big.bin")).isEqualTo("C:\\w\\in");
        assertThat(MemberPaths.parent("C:\\big.bin")).isEqualTo("C:\\");
        assertThat(MemberPaths.parent("/C:/w/big.bin")).isEqualTo("/C:/w");
        assertThat(MemberPaths.parent("/C:/big.bin")).isEqualTo("/C:/");
        for (String none : List.of("/", "C:\\", "big.bin")) {
            assertThat(MemberPaths.parent(none)).as(none).isNull();
        }
        assertThat(List.of("/", "C:\\", "/C:/")).allMatch(MemberPaths::isRoot);
        assertThat(List.of("/w", "C:\\w", "")).noneMatch(MemberPaths::isRoot);
    }
}
