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

    /** Direction marks, embeddings, overrides and isolates make a member's line read in another order; the joiner of emoji sequences is kept. */
    @Test
    void anIconHoldingADirectionOrOtherInvisibleFormattingCharacterIsRefused() {
        for (int c : new int[] {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
                0x200B, 0xFEFF}) {
            for (String icon : List.of("🔵" + Character.toString(c) + "2", Character.toString(c) + "🚀", "🟢2" + Character.toString(c))) {
                String shown = String.format("U+%04X in %s", c, icon);
                assertThat(MemberIcons.resolve(icon)).as(shown).isEmpty();
                assertThat(MemberIcons.valid(icon)).as(shown).isFalse();
                assertThat(MemberIcons.ruleBroken(icon)).as(shown).isEqualTo(MemberIcons.INVISIBLE_RULE);
            }
        }
        assertThat(MemberIcons.resolve("👩\u200d💻")).as("an emoji sequence with the zero-width joiner").contains("👩\u200d💻");
        assertThat(MemberIcons.ruleBroken("hello")).isEqualTo(MemberIcons.RULE);
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
