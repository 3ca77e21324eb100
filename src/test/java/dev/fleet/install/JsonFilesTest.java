package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {
    @TempDir
    Path tmp;

    /** A settings file a person broke by hand may hold a token: the error says where, never what. */
    @Test
    void aFileThatIsNotJsonIsNamedWithWhereItBreaksButNothingOfItsText() throws Exception {
        Path settings = Files.writeString(tmp.resolve("settings.json"), "{\n  \"env\": {\"ANTHROPIC_API_KEY\": sk-ant-api03-secret}\n}\n");
        assertThatThrownBy(() -> JsonFiles.readObject(settings))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("settings.json is not valid JSON at line 2")
                .hasMessageContaining("fix it by hand first")
                .hasMessageNotContaining("sk-ant");
    }
}
