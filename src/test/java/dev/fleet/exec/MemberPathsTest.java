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
}
