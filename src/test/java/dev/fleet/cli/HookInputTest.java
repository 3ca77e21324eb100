package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HookInputTest {
    @Test
    void anEventIsReadWhole() throws Exception {
        String event = "{\"tool_name\": \"mcp__apra-fleet__register_member\"}";
        assertThat(HookCommand.readEvent(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)))).isEqualTo(event);
    }

    /** An input that never ends (a device given as stdin) no longer keeps the hook reading for ever. */
    @Test
    @Timeout(60)
    void anEndlessInputIsReadOnlyUpToItsBound() throws Exception {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        String kept = HookCommand.readEvent(endless);
        assertThat(kept).hasSize(1 << 20);
    }
}
