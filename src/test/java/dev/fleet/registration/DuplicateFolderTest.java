package dev.fleet.registration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.base.InvalidRequest;
import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.Registry;
import org.junit.jupiter.api.Test;

/**
 * One member per folder per machine, with the folder read as the machine's OS reads it: on a
 * Windows machine {@code C:\Work} and {@code c:\work\} are one folder, so a second member there
 * is refused (two members on one folder would each count the other's work as their own).
 */
class DuplicateFolderTest {
    private static Registry withMember(String folder, MemberOs os) {
        return Registry.empty().with(Member.builder().id("first-id").friendlyName("first").agentType(AgentType.REMOTE)
                .host("127.0.0.1").port(22).workFolder(folder).os(os).build());
    }

    @Test
    void onAWindowsMachineTheSameFolderInAnotherCaseOrFormIsTaken() {
        Registry registry = withMember("C:\\Users\\Dev\\Work", MemberOs.WINDOWS);
        for (String same : new String[] {"c:\\users\\dev\\work", "C:\\Users\\Dev\\Work\\", "/C:/Users/Dev/Work", "C:/users/DEV/work"}) {
            assertThatThrownBy(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", same))
                    .as(same).isInstanceOf(InvalidRequest.class).hasMessageContaining("already the folder of member first");
        }
        assertThatCode(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", "C:\\Users\\Dev\\Work-other"))
                .doesNotThrowAnyException();
        assertThatCode(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", "C:\\Users\\Dev\\Work\\sub"))
                .as("a folder inside another member's is allowed, as on Linux").doesNotThrowAnyException();
    }

    @Test
    void onLinuxCaseMakesAnotherFolder() {
        Registry registry = withMember("/home/dev/work", MemberOs.LINUX);
        assertThatThrownBy(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", "/home/dev/work/"))
                .isInstanceOf(InvalidRequest.class);
        assertThatCode(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", "/home/dev/Work"))
                .doesNotThrowAnyException();
    }

    /** On a POSIX machine a folder's text is read as its file system reads it: "//" is "/", a "." segment is nothing. */
    @Test
    void onLinuxRepeatedSlashesAndDotSegmentsNameTheSameFolder() {
        Registry registry = withMember("/home/dev/work", MemberOs.LINUX);
        for (String same : new String[] {"/home//dev/work", "/home/dev/work/.", "/home/./dev/work/", "//home/dev/./././work//"}) {
            assertThatThrownBy(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", same))
                    .as(same).isInstanceOf(InvalidRequest.class).hasMessageContaining("already the folder of member first");
        }
        for (String other : new String[] {"/home/dev/work/.hidden", "/home/dev/work.", "/home/dev/work/sub"}) {
            assertThatCode(() -> Registrar.refuseDuplicateFolder(registry, null, "127.0.0.1:22", other)).as(other)
                    .doesNotThrowAnyException();
        }
    }

    /** A ".." segment cannot be read from the text (it follows links on the member): a work folder has none. */
    @Test
    void aWorkFolderWithADotDotSegmentIsRefusedByTheRule() {
        for (String refused : new String[] {"/tmp/x/../work", "/tmp/..", "~/../other", "C:\\Users\\..\\Work", "/..", "/a/../"}) {
            org.assertj.core.api.Assertions.assertThat(refused.matches(dev.fleet.member.MemberRules.WORK_FOLDER_REGEX)).as(refused).isFalse();
        }
        for (String allowed : new String[] {"/tmp/work", "/tmp/..work", "/tmp/work..", "/tmp/a..b/c", "~/work", "~", "C:\\Work", "/"}) {
            org.assertj.core.api.Assertions.assertThat(allowed.matches(dev.fleet.member.MemberRules.WORK_FOLDER_REGEX)).as(allowed).isTrue();
        }
    }
}
