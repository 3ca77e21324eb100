package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberIconsTest {
    private static Member member(String name, String icon) {
        return Member.builder().id(name + "-id").friendlyName(name).agentType(AgentType.LOCAL).workFolder("/w/" + name).icon(icon).build();
    }

    @Test
    void iconsAreHandedOutCirclesFirstThenSquaresThenNumbered() {
        assertThat(MemberIcons.next(Set.of())).isEqualTo("🔵");
        assertThat(MemberIcons.next(Set.of("🔵", "🟢"))).isEqualTo("🔴");
        assertThat(MemberIcons.next(new HashSet<>(MemberIcons.POOL.subList(0, 8)))).isEqualTo("🟦");
        Set<String> used = new HashSet<>(MemberIcons.POOL);
        assertThat(MemberIcons.next(used)).isEqualTo("🔵2");
        used.add("🔵2");
        assertThat(MemberIcons.next(used)).isEqualTo("🟢2");
        for (int n = 2; n <= 99; n++) {
            for (String icon : MemberIcons.POOL) {
                used.add(icon + n);
            }
        }
        assertThat(MemberIcons.next(used)).isEqualTo("🔵100");
    }

    @Test
    void namesAndEmojiAreAcceptedAndAnythingElseIsNot() {
        assertThat(MemberIcons.resolve("blue-circle")).contains("🔵");
        assertThat(MemberIcons.resolve("Red-Square")).contains("🟥");
        assertThat(MemberIcons.resolve("black-square")).contains("⬛");
        assertThat(MemberIcons.resolve("⚫")).contains("⚫");
        assertThat(MemberIcons.resolve("🚀")).contains("🚀");
        assertThat(MemberIcons.resolve("🔵2")).contains("🔵2");
        for (String bad : List.of("*", "", "⚪", "blue", "🚀🚀🚀🚀🚀", "a\nb", "hello")) {
            assertThat(MemberIcons.resolve(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void membersWithoutAnIconGetFreeOnesInRegistrationOrder() {
        Registry r = new Registry("1.0", List.of(member("a", null), member("b", "🔵"), member("c", ""), member("d", "🟢")), Map.of());
        Registry filled = MemberIcons.backfill(r);
        assertThat(filled.members()).extracting(Member::icon).containsExactly("🔴", "🔵", "🟡", "🟢");
        assertThat(MemberIcons.backfill(filled)).isSameAs(filled);
        assertThat(MemberIcons.withIcon(filled, member("e", null)).icon()).isEqualTo("🟣");
    }
}
