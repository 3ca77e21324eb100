package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartFileTest {
    @Test
    void aPartFileIsHiddenBesideItsDestinationAndNamedAfterIt() {
        Path part = PartFile.beside(Path.of("/d/data/big.bin"));
        assertThat(part.getParent()).isEqualTo(Path.of("/d/data"));
        assertThat(part.getFileName().toString()).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");

        assertThat(PartFile.beside("/w/in/big.bin")).matches("/w/in/\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.beside("big.bin")).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        // A Windows member's path: beside the destination, not a name made of the whole path.
        assertThat(PartFile.beside("C:\\w\\in\\big.bin")).matches("C:\\\\w\\\\in\\\\\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.destinationOf(PartFile.beside("C:\\w\\in\\big.bin"))).isEqualTo("C:\\w\\in\\big.bin");
    }

    @Test
    void eachCopyHasItsOwn() {
        assertThat(PartFile.beside("/w/a")).isNotEqualTo(PartFile.beside("/w/a"));
    }

    @Test
    void aPartFileNamesTheDestinationItWasFor() {
        assertThat(PartFile.destinationOf(PartFile.beside("/w/in/big.bin"))).isEqualTo("/w/in/big.bin");
        assertThat(PartFile.destinationOf(PartFile.beside(Path.of("/d/x.tar")).toString())).isEqualTo("/d/x.tar");
        assertThat(PartFile.destinationOf("C:\\w\\.model.pt.fleet-part-ab12")).isEqualTo("C:\\w\\model.pt");
        for (String other : List.of("/w/big.bin", "/w/.big.bin", "/w/.big.bin.fleet-part-", "/w/.big.bin.fleet-part-xyz",
                "/w/big.bin.fleet-part-ab", "/w/..fleet-part-ab")) {
            assertThat(PartFile.destinationOf(other)).as(other).isNull();
        }
    }
}
