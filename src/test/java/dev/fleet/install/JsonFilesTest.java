package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** A rewrite keeps the user's numbers as they are: decimals a double cannot hold, long integers. */
    @Test
    void numbersSurviveARewriteExactly() throws Exception {
        Path settings = Files.writeString(tmp.resolve("settings.json"),
                "{\"a\": 1.10000000000000000001, \"b\": 12345678901234567890123, \"c\": 0.5, \"d\": 3}\n");
        String rewritten = JsonFiles.pretty(JsonFiles.readObject(settings));
        assertThat(rewritten).contains("\"a\": 1.10000000000000000001", "\"b\": 12345678901234567890123", "\"c\": 0.5",
                "\"d\": 3");
    }

    /** A key written twice would lose its first value in a rewrite: refused, naming where, nothing changed. */
    @Test
    void aKeyWrittenTwiceIsRefusedInsteadOfLosingTheFirst() throws Exception {
        String text = "{\"env\": {\"A\": \"first\"},\n \"model\": \"opus\",\n \"env\": {\"B\": \"second\"}}\n";
        Path settings = Files.writeString(tmp.resolve("settings.json"), text);
        assertThatThrownBy(() -> JsonFiles.readObject(settings))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("settings.json holds the same key twice in one object at line 3")
                .hasMessageContaining("fleet changes nothing in it");
        assertThat(settings).content().isEqualTo(text);
    }

    /** Something other than a readable file under the name is named with the file, not as the JDK's bare "Is a directory". */
    @Test
    void aFolderUnderTheNameIsNamedWithTheFile() throws Exception {
        Path settings = Files.createDirectories(tmp.resolve("settings.json"));
        assertThatThrownBy(() -> JsonFiles.readObject(settings))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot read " + settings + ": it is a folder, not a file; fleet changes nothing in it");
    }

    /** A settings file kept in a dotfiles repository is a link: it stays one, its target gets the new content and keeps its mode. */
    @Test
    void aLinkedFileStaysALinkAndItsTargetIsReplaced() throws Exception {
        Path target = Files.writeString(Files.createDirectories(tmp.resolve("dotfiles")).resolve("settings.json"), "{}\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve(".claude")).resolve("settings.json"), target);

        JsonFiles.replace(link, "{\"statusLine\":{}}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(target).hasContent("{\"statusLine\":{}}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
        assertThat(tmp.resolve("dotfiles")).isDirectoryNotContaining(p -> p.getFileName().toString().contains("fleet-tmp"));
    }
}
