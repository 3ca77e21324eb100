package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartFileTest {
    private static final MemberOs LINUX = MemberOs.LINUX;
    private static final MemberOs WINDOWS = MemberOs.WINDOWS;

    @Test
    void aPartFileIsHiddenBesideItsDestinationAndNamedAfterIt() {
        Path part = PartFile.beside(Path.of("/d/data/big.bin"));
        assertThat(part.getParent()).isEqualTo(Path.of("/d/data"));
        assertThat(part.getFileName().toString()).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");

        assertThat(PartFile.beside("/w/in/big.bin", LINUX)).matches("/w/in/\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.beside("big.bin", LINUX)).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        // A Windows member's path: beside the destination, not a name made of the whole path.
        assertThat(PartFile.beside("C:\\w\\in\\big.bin", WINDOWS)).matches("C:\\\\w\\\\in\\\\\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.stemOf(PartFile.beside("C:\\w\\in\\big.bin", WINDOWS), WINDOWS))
                .isEqualTo(PartFile.stemFor("C:\\w\\in\\big.bin", WINDOWS));
    }

    /** On Linux and macOS a backslash is part of a name: the part file of {@code /w/a\b} is in {@code /w}. */
    @Test
    void onAPosixMemberABackslashIsPartOfTheName() {
        assertThat(PartFile.beside("/w/a\\b", LINUX)).matches("/w/\\.a\\\\b\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.stemOf(PartFile.beside("/w/a\\b", LINUX), LINUX)).isEqualTo(PartFile.stemFor("/w/a\\b", LINUX));
    }

    @Test
    void eachCopyHasItsOwn() {
        assertThat(PartFile.beside("/w/a", LINUX)).isNotEqualTo(PartFile.beside("/w/a", LINUX));
    }

    @Test
    void aPartFileNamesTheDestinationItWasFor() {
        assertThat(PartFile.stemOf(PartFile.beside("/w/in/big.bin", LINUX), LINUX)).isEqualTo(PartFile.stemFor("/w/in/big.bin", LINUX));
        assertThat(PartFile.stemOf(PartFile.beside(Path.of("/d/x.tar")).toString(), LINUX)).isEqualTo(PartFile.stemFor("/d/x.tar", LINUX));
        assertThat(PartFile.stemOf("C:\\w\\.model.pt.fleet-part-ab12", WINDOWS)).isEqualTo(PartFile.stemFor("C:\\w\\model.pt", WINDOWS));
        assertThat(PartFile.stemFor("/w/big.bin", LINUX)).isNotEqualTo(PartFile.stemFor("/w/big.bi", LINUX));
        for (String other : List.of("/w/big.bin", "/w/.big.bin", "/w/.big.bin.fleet-part-", "/w/.big.bin.fleet-part-xyz",
                "/w/big.bin.fleet-part-ab", "/w/..fleet-part-ab")) {
            assertThat(PartFile.stemOf(other, LINUX)).as(other).isNull();
        }
    }

    /**
     * A destination name near the 255-byte limit: its part file's name still fits, is cut between
     * characters, stays its own among long names that start alike, and is still known as its part file.
     */
    @Test
    void aLongNamesPartFileFitsInAFileNameAndIsStillRecognised() {
        String ascii = "a".repeat(250);
        String accented = "é".repeat(125);
        String alike = "a".repeat(249) + "b";
        for (String name : List.of(ascii, accented, alike, "x".repeat(226), "x".repeat(227))) {
            String part = PartFile.beside("/w/" + name, LINUX);
            String partName = part.substring(3);
            assertThat(partName.getBytes(StandardCharsets.UTF_8).length).as(name).isLessThanOrEqualTo(255);
            assertThat(new String(partName.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(partName);
            assertThat(PartFile.stemOf(part, LINUX)).as(name).isEqualTo(PartFile.stemFor("/w/" + name, LINUX));
            Path local = PartFile.beside(Path.of("/d", name));
            assertThat(local.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            String aside = PartFile.aside("/w/" + name, LINUX).substring(3);
            assertThat(aside.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        }
        assertThat(PartFile.stemFor("/w/" + ascii, LINUX)).isNotEqualTo(PartFile.stemFor("/w/" + alike, LINUX));
        assertThat(PartFile.stemOf(PartFile.beside("/w/" + ascii, LINUX), LINUX)).isNotEqualTo(PartFile.stemFor("/w/" + alike, LINUX));
        assertThat(PartFile.stemFor("/w/" + "x".repeat(226), LINUX)).as("a name that fits is kept whole").endsWith("x.fleet-part-");
        assertThat(PartFile.stemFor("/w/" + ascii, LINUX)).matches("/w/\\.a{213}~[0-9a-f]{12}\\.fleet-part-");
    }
}
