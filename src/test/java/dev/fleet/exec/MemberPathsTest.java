package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** On a Windows member a drive letter or a name in another case is the same place, as are the root's forms. */
    @Test
    void onAWindowsMemberCaseAndTheFormOfTheRootDoNotMatter() {
        MemberOs win = MemberOs.WINDOWS;
        assertThat(MemberPaths.isInside("C:\\Work", "c:\\work\\x", win)).isTrue();
        assertThat(MemberPaths.isInside("c:\\work", "C:\\WORK", win)).isTrue();
        assertThat(MemberPaths.isInside("/C:/Users/x/work", "C:\\Users\\X\\Work\\a.txt", win)).isTrue();
        assertThat(MemberPaths.isInside("C:\\Users\\x\\work", "/c:/users/x/work/a.txt", win)).isTrue();
        assertThat(MemberPaths.isInside("C:/Users\\x/work\\", "C:\\Users/x\\work/sub\\a.txt", win)).as("mixed separators").isTrue();
        assertThat(MemberPaths.isInside("C:\\work", "\\\\?\\C:\\work\\a.txt", win)).as("verbatim form").isTrue();
        assertThat(MemberPaths.isInside("C:\\work", "\\??\\c:\\work\\a.txt", win)).as("NT form").isTrue();
        assertThat(MemberPaths.isInside("/C:", "C:\\anything", win)).as("the SFTP form of a drive's root").isTrue();
        assertThat(MemberPaths.isInside("\\\\Host\\Share\\w", "\\\\?\\UNC\\host\\share\\W\\a", win)).as("a share in both forms").isTrue();
    }

    /** Nothing outside the work folder is taken for inside, whatever its case or form. */
    @Test
    void onAWindowsMemberNoPathOutsideIsTakenForInside() {
        MemberOs win = MemberOs.WINDOWS;
        String root = "C:\\Users\\x\\work";
        for (String outside : List.of(
                "C:\\Users\\x\\WORK-other\\a.txt", "c:/users/x/Work-other", "/C:/Users/x/work-other/a.txt",
                "\\\\?\\C:\\Users\\x\\WORK-other\\a.txt", "\\\\?\\C:\\Users\\x\\other",
                "\\\\host\\share\\Users\\x\\work\\a.txt", "\\\\?\\UNC\\host\\share\\Users\\x\\work",
                "/\\\\host\\share\\Users\\x\\work", "\\\\.\\C:\\Users\\x\\work\\a.txt",
                "\\\\?\\Volume{8e3b8a3c-0000-0000-0000-100000000000}\\Users\\x\\work\\a.txt",
                "D:\\Users\\x\\work\\a.txt", "/c:/Users/x/work/../x", "C:\\Users\\x\\work\\..\\..\\x",
                "C:\\Users\\x\\work\\...\\x", "C:\\Users\\x\\work\\.. \\x", "C:\\Users\\x\\work\\D:\\x",
                "C:Users\\x\\work\\a.txt", "\\Users\\x\\work\\a.txt", "Users\\x\\work", "C:")) {
            assertThat(MemberPaths.isInside(root, outside, win)).as(outside).isFalse();
        }
        // A name whose letters differ only in a case Windows may not fold like Java (long s, Kelvin sign) is another name.
        assertThat(MemberPaths.isInside("C:\\tasks", "C:\\ta\u017Fks\\a", win)).isFalse();
        assertThat(MemberPaths.isInside("C:\\work", "C:\\wor\u212A\\a", win)).isFalse();
    }

    /** Where Windows does not keep a name as written, the path is refused, naming the rule. */
    @Test
    void aWindowsNameEndingInADotOrSpaceIsRefusedWithTheRule() {
        MemberOs win = MemberOs.WINDOWS;
        assertThat(MemberPaths.isInside("C:\\work", "C:\\work.\\a.txt", win)).isFalse();
        assertThat(MemberPaths.isInside("C:\\work.", "C:\\work\\a.txt", win)).isFalse();
        assertThat(MemberPaths.undecidable("C:\\work.\\a.txt", win)).contains("ending in a dot or a space");
        assertThat(MemberPaths.undecidable("C:\\work\\a.txt:s", win)).contains("alternate data stream");
        assertThat(MemberPaths.undecidable("\\\\host\\share\\a", win)).isNull();
        assertThat(MemberPaths.undecidable("C:\\work\\a.", MemberOs.LINUX)).isNull();
        for (String rel : List.of("sub.", "sub \\a", "...\\x", ".. \\x", "a\\b:stream")) {
            assertThat(MemberPaths.resolveInside("C:\\work", rel, win)).as(rel).isNull();
            assertThat(MemberPaths.nameRule(rel, win)).as(rel).isNotNull();
        }
        assertThat(MemberPaths.resolveInside("C:\\work", "a.b\\c d", win)).isEqualTo("C:\\work\\a.b\\c d");
        assertThat(MemberPaths.nameRule("sub./x ", MemberOs.LINUX)).isNull();
    }

    @Test
    void aWindowsPathIsReadInAnyOfItsForms() throws Exception {
        for (String form : List.of("C:\\Users\\x", "c:/Users/x", "/C:/Users/x", "/c:\\Users\\x\\", "\\\\?\\C:\\Users\\x",
                "\\??\\C:\\Users\\x", "//?/c:/Users/x", "/\\\\?\\C:\\Users\\x")) {
            MemberPaths.WindowsPath p = MemberPaths.windowsPath(form);
            assertThat(p.root()).as(form).isEqualTo("C:");
            assertThat(p.names()).as(form).containsExactly("Users", "x");
        }
        assertThat(MemberPaths.windowsPath("\\\\?\\UNC\\host\\share\\a").root()).isEqualTo("\\\\host\\share");
        assertThat(MemberPaths.windowsPath("//host/share/a").network()).isTrue();
        assertThat(MemberPaths.windowsPath("/C:").names()).isEmpty();
        assertThatThrownBy(() -> MemberPaths.windowsPath("C:x")).hasMessageContaining("current folder");
        assertThatThrownBy(() -> MemberPaths.windowsPath("\\x")).hasMessageContaining("without a drive letter");
        assertThatThrownBy(() -> MemberPaths.windowsPath("\\\\.\\pipe\\x")).hasMessageContaining("device path");
        assertThatThrownBy(() -> MemberPaths.windowsPath("\\\\?\\C:")).hasMessageContaining("device or volume");
        assertThatThrownBy(() -> MemberPaths.windowsPath("\\\\host")).hasMessageContaining("a host and a share");
        assertThat(MemberPaths.isWindowsRelative("..\\other")).isTrue();
        assertThat(List.of("\\other", "/C:/x", "C:x", "\\\\h\\s")).noneMatch(MemberPaths::isWindowsRelative);
    }

    /** The POSIX rules stay as they were: case counts, and a drive-like name is a name. */
    @Test
    void onAPosixMemberCaseCountsAndNoWindowsRuleApplies() {
        for (MemberOs posix : List.of(MemberOs.LINUX, MemberOs.MACOS)) {
            assertThat(MemberPaths.isInside("/w", "/W/x", posix)).isFalse();
            assertThat(MemberPaths.isInside("/c:/w", "/C:/w/x", posix)).isFalse();
            assertThat(MemberPaths.isInside("/w", "/w/x./y ", posix)).isTrue();
            assertThat(MemberPaths.resolveInside("/w", "x./y :z", posix)).isEqualTo("/w/x./y :z");
        }
    }
}
