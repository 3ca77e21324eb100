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
        assertThat(MemberPaths.isInside("/w", "/w2/x", MemberOs.LINUX)).isFalse();
        assertThat(MemberPaths.isInside("/w", "/w/x", MemberOs.LINUX)).isTrue();
        assertThat(MemberPaths.isInside("/w/", "/w/x", MemberOs.LINUX)).isTrue();
        assertThat(MemberPaths.isInside("/", "/x", MemberOs.LINUX)).isTrue();
        assertThat(MemberPaths.isInside("C:\\w", "C:\\w\\x", MemberOs.WINDOWS)).isTrue();
        assertThat(MemberPaths.isInside("/C:/w", "/C:/w/x", MemberOs.WINDOWS)).isTrue();
    }

    /** On Linux and macOS a backslash is a character of a name: {@code /w\out} is a sibling of {@code /w}. */
    @Test
    void aBackslashSeparatesNamesOnlyOnAWindowsMember() {
        for (MemberOs posix : List.of(MemberOs.LINUX, MemberOs.MACOS)) {
            assertThat(MemberPaths.isInside("/w", "/w\\out/victim.txt", posix)).as(posix.json()).isFalse();
            assertThat(MemberPaths.isInside("/w\\", "/w\\/x", posix)).as("a root whose name ends in \\").isTrue();
            assertThat(MemberPaths.isInside("/w\\", "/w/x", posix)).isFalse();
            assertThat(MemberPaths.fileName("/w/a\\b", posix)).isEqualTo("a\\b");
            assertThat(MemberPaths.parent("/w/a\\b", posix)).isEqualTo("/w");
            assertThat(MemberPaths.join("/w\\", List.of("a"), posix)).isEqualTo("/w\\/a");
        }
        assertThat(MemberPaths.isInside("C:\\w", "C:\\w\\out", MemberOs.WINDOWS)).isTrue();
        assertThat(MemberPaths.fileName("C:\\w\\a", MemberOs.WINDOWS)).isEqualTo("a");
    }

    @Test
    void joinsCheckedNamesWithTheMembersSeparator() {
        assertThat(MemberPaths.join("/w/", List.of("a", "b.txt"), MemberOs.LINUX)).isEqualTo("/w/a/b.txt");
        assertThat(MemberPaths.join("C:\\w\\", List.of("a", "b.txt"), MemberOs.WINDOWS)).isEqualTo("C:\\w\\a\\b.txt");
        assertThat(MemberPaths.join("/w", List.of(), MemberOs.LINUX)).isEqualTo("/w");
    }

    @Test
    void theFolderAboveAPathOnEitherKindOfMember() {
        MemberOs win = MemberOs.WINDOWS;
        assertThat(MemberPaths.parent("/w/in/big.bin", MemberOs.LINUX)).isEqualTo("/w/in");
        assertThat(MemberPaths.parent("/big.bin", MemberOs.LINUX)).isEqualTo("/");
        assertThat(MemberPaths.parent("C:\\w\\in\\big.bin", win)).isEqualTo("C:\\w\\in");
        assertThat(MemberPaths.parent("C:\\big.bin", win)).isEqualTo("C:\\");
        assertThat(MemberPaths.parent("/C:/w/big.bin", win)).isEqualTo("/C:/w");
        assertThat(MemberPaths.parent("/C:/big.bin", win)).isEqualTo("/C:/");
        for (String none : List.of("/", "C:\\", "big.bin")) {
            assertThat(MemberPaths.parent(none, win)).as(none).isNull();
        }
        assertThat(List.of("/", "C:\\", "/C:/")).allMatch(f -> MemberPaths.isRoot(f, win));
        assertThat(List.of("/w", "C:\\w", "")).noneMatch(f -> MemberPaths.isRoot(f, win));
    }

    /** On Linux and macOS {@code C:} is an ordinary name: a folder to make like any other, no root. */
    @Test
    void aNameLikeADriveIsAnOrdinaryFolderOnAPosixMember() {
        for (MemberOs posix : List.of(MemberOs.LINUX, MemberOs.MACOS)) {
            assertThat(MemberPaths.parent("/w/C:/a.txt", posix)).isEqualTo("/w/C:");
            assertThat(MemberPaths.parent("/C:/a.txt", posix)).isEqualTo("/C:");
            assertThat(List.of("/w/C:", "/C:", "/C:/", "C:", "/w/x\\")).noneMatch(f -> MemberPaths.isRoot(f, posix));
            assertThat(MemberPaths.isRoot("/", posix)).isTrue();
        }
    }

    @Test
    void aNameIsTooLongPastTheFileSystemsLimitCountedAsTheMembersOsCounts() {
        String bytes255 = "é".repeat(127) + "x";
        assertThat(MemberPaths.tooLongName("/w/" + bytes255 + "/a", MemberOs.LINUX)).isNull();
        assertThat(MemberPaths.tooLongName("/w/" + bytes255 + "y/a", MemberOs.LINUX)).isEqualTo(bytes255 + "y");
        // 256 bytes but 129 characters: NTFS counts characters (UTF-16 units).
        assertThat(MemberPaths.tooLongName("C:\\w\\" + bytes255 + "y", MemberOs.WINDOWS)).isNull();
        assertThat(MemberPaths.tooLongName("C:\\w\\" + "x".repeat(256), MemberOs.WINDOWS)).hasSize(256);
        assertThat(MemberPaths.nameLimitRule(MemberOs.LINUX)).contains("255 bytes");
    }
}
