package dev.fleet.cli;

import dev.fleet.install.PostRegisterHook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "hook", hidden = true, description = "Claude Code hooks that fleet install wires: post-register-member.")
final class HookCommand implements Callable<Integer> {
    private static final int MAX_EVENT_BYTES = 1 << 20;
    private static final long MAX_READ_BYTES = 64L << 20;

    @Parameters(index = "0", paramLabel = "EVENT", description = "post-register-member")
    String event;

    @Override
    public Integer call() throws IOException {
        if (!event.equals("post-register-member")) {
            System.err.println("Invalid input: EVENT must be post-register-member");
            return 2;
        }
        String answer = PostRegisterHook.answer(readEvent(System.in));
        if (!answer.isEmpty()) {
            System.out.println(answer);
        }
        return 0;
    }

    /**
     * Claude Code writes the event as JSON on stdin; reading it all lets the writer finish. Bounded:
     * at most {@link #MAX_EVENT_BYTES} are kept, and past {@link #MAX_READ_BYTES} the hook stops
     * reading (an endless input, such as a device, would otherwise keep it running for ever).
     */
    static String readEvent(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        long read = 0;
        int n;
        while (read < MAX_READ_BYTES && (n = in.read(chunk)) != -1) {
            read += n;
            if (buf.size() < MAX_EVENT_BYTES) {
                buf.write(chunk, 0, Math.min(n, MAX_EVENT_BYTES - buf.size()));
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
