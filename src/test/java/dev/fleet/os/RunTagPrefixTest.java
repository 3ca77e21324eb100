package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A member's run tag: its id's ASCII letters and digits, lower case, at most twelve; never empty. */
class RunTagPrefixTest {
    @Test
    void keepsLettersAndDigitsOfTheIdInLowerCase() {
        assertThat(OsCommands.runTag("Local-7f3e9a21-b0c4")).isEqualTo("local7f3e9a2");
        assertThat(OsCommands.runTag("AB-c_d 9")).isEqualTo("abcd9");
    }

    @Test
    void leavesOutEverythingElseLettersOfOtherAlphabetsIncluded() {
        // Only ASCII: the tag is matched by shell patterns on every OS and needs no quoting.
        assertThat(OsCommands.runTag("Ünï-çödé-ß-Zz")).isEqualTo("ndzz");
        assertThat(OsCommands.runTag("a\u0130b\u212Ac")).isEqualTo("abc");
    }

    @Test
    void anIdWithNoneOfThemStillGetsATag() {
        assertThat(OsCommands.runTag(null)).isEqualTo("m");
        assertThat(OsCommands.runTag("")).isEqualTo("m");
        assertThat(OsCommands.runTag("-_-")).isEqualTo("m");
    }

    @Test
    void aLongIdIsCutAtTwelve() {
        assertThat(OsCommands.runTag("0123456789abcdefXYZ")).isEqualTo("0123456789ab");
        assertThat(OsCommands.runTag("-----------------ABCDEFGHIJKLMNOP")).isEqualTo("abcdefghijkl");
    }
}
