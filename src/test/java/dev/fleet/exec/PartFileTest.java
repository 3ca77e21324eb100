package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PartFileTest {
    @Test
    void aPartFileIsHiddenBesideItsDestinationAndNamedAfterIt() {
        Path part = PartFile.beside(Path.of("/d/data/big.bin"));
        assertThat(part.getParent()).isEqualTo(Path.of("/d/data"));
        assertThat(part.getFileName().toString()).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");

        assertThat(PartFile.beside("/w/in/big.bin")).matches("/w/in/\\.big\\.bin\\.fleet-part-[0-9a-f]+");
        assertThat(PartFile.beside("big.bin")).matches("\\.big\\.bin\\.fleet-part-[0-9a-f]+");
    }

    @Test
    void eachCopyHasItsOwn() {
        assertThat(PartFile.beside("/w/a")).isNotEqualTo(PartFile.beside("/w/a"));
    }
}
