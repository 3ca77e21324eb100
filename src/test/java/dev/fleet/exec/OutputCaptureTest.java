package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inline part of an output past its cap: the last bytes, shown from a clean start. */
class OutputCaptureTest {
    @TempDir
    Path tmp;

    private OutputCapture captured(String output, int cap) throws Exception {
        OutputCapture c = new OutputCapture(cap, () -> tmp.resolve("spill-" + System.nanoTime()));
        c.drain(new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)));
        c.finish();
        return c;
    }

    /**
     * The cut falls inside a secret printed by the command: the answer starts after that line,
     * so the secret's end is not shown (whole-secret redaction could not find a secret cut in two).
     */
    @Test
    void aTailCutInsideALineStartsAfterIt() throws Exception {
        String secret = "hunter2-the-member-password";
        String output = "x".repeat(500) + "\npassword=" + secret + "\nlast line\n";
        int cap = "member-password\nlast line\n".getBytes(StandardCharsets.UTF_8).length;
        OutputCapture c = captured(output, cap);
        assertThat(c.text()).isEqualTo("last line\n").doesNotContain("member-password");
        assertThat(Files.readString(Path.of(c.spillPath()))).as("the full output stays in the file").isEqualTo(output);
        assertThat(c.totalBytes()).isEqualTo(output.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aTailWithoutALineBreakSoonStartsAtAWholeCharacter() throws Exception {
        String output = "é".repeat(dev.fleet.base.CutText.LINE_SEARCH * 2);
        OutputCapture c = captured(output, dev.fleet.base.CutText.LINE_SEARCH + 1);
        assertThat(c.text()).doesNotContain("\uFFFD").matches("é+");
    }

    /** One long line (minified JSON) cut inside a secret: the answer starts after that word. */
    @Test
    void aTailCutInsideAWordOfALongLineStartsAfterIt() throws Exception {
        String output = "{\"pad\":\"" + "x".repeat(9000) + "\",\"password\":\"hunter2-the-member-password\",\"next\":\"value\"}";
        int cap = "member-password\",\"next\":\"value\"}".length();
        OutputCapture c = captured(output, cap);
        assertThat(c.text()).isEqualTo(",\"next\":\"value\"}").doesNotContain("member-password");
    }

    @Test
    void anOutputWithinTheCapIsShownWhole() throws Exception {
        OutputCapture c = captured("first\nsecond", 64);
        assertThat(c.text()).isEqualTo("first\nsecond");
        assertThat(c.spillPath()).isNull();
    }
}
