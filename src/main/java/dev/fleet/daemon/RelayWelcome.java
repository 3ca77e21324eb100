package dev.fleet.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fleet.security.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * What a daemon of one build answered to a client's {@code initialize} (for one protocol version)
 * and to its first {@code tools/list}: the two answers every MCP client waits for before it counts
 * fleet as ready. A relay records them from a real session; a later relay whose daemon must first
 * start gives the client these answers at once, while the daemon boots, and checks them against
 * the daemon once it answers (see {@link Relay}).
 *
 * <p>The file ({@link DaemonPaths#welcome}, one per protocol version) is three lines in the private
 * data dir: a header naming the build and the protocol version, then each answer's {@code result} exactly as the daemon wrote it (an MCP line holds no
 * newline). Reading it parses no JSON: a relay that must answer within milliseconds of its start
 * only splits three lines.
 *
 * @param build           the build whose daemon gave these answers ({@link BuildId})
 * @param protocolVersion the protocol version the client asked for in {@code initialize}
 * @param initialize      the {@code result} of the answer to {@code initialize}, JSON text as UTF-8
 * @param tools           the {@code result} of the answer to the first {@code tools/list}, JSON text as UTF-8
 */
record RelayWelcome(String build, String protocolVersion, byte[] initialize, byte[] tools) {
    private static final String HEADER = "fleet-relay-welcome 1";
    /** Far above a real record (tools/list is about 40 KB): anything larger is not fleet's. */
    private static final long MAX_FILE = 4L * 1024 * 1024;
    /** Build ids and protocol versions are plain words; anything else is not recorded (it would break the header). */
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._+-]{1,100}");
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * This build's record for a client asking for {@code protocolVersion}, or null when there is none
     * usable: none, cut short, another build's, or not fleet's. Read through one channel that does
     * not follow links, and never more than {@link #MAX_FILE} bytes.
     */
    static RelayWelcome read(DaemonPaths paths, String build, String protocolVersion) {
        if (!recordable(build, protocolVersion)) {
            return null;
        }
        try (SeekableByteChannel ch = Files.newByteChannel(paths.welcome(protocolVersion), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > MAX_FILE) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // read to the end
            }
            return parse(Arrays.copyOf(buffer.array(), buffer.position()), build, protocolVersion);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static RelayWelcome parse(byte[] all, String build, String protocolVersion) {
        int first = indexOf(all, 0);
        int second = first < 0 ? -1 : indexOf(all, first + 1);
        int third = second < 0 ? -1 : indexOf(all, second + 1);
        // A whole file ends with its third newline; anything else was cut short or is not fleet's.
        if (third < 0 || third != all.length - 1) {
            return null;
        }
        String header = new String(all, 0, first, StandardCharsets.UTF_8);
        byte[] initialize = Arrays.copyOfRange(all, first + 1, second);
        byte[] tools = Arrays.copyOfRange(all, second + 1, third);
        if (!header.equals(HEADER + " " + build + " " + protocolVersion) || !isObject(initialize) || !isObject(tools)) {
            return null;
        }
        return new RelayWelcome(build, protocolVersion, initialize, tools);
    }

    /** The outline of a JSON object (what every result is); its inside the daemon wrote. */
    private static boolean isObject(byte[] text) {
        return text.length >= 2 && text[0] == '{' && text[text.length - 1] == '}';
    }

    /** Whether recording is possible: both words fit the header (and the version the file name). */
    static boolean recordable(String build, String protocolVersion) {
        return build != null && protocolVersion != null && WORD.matcher(build).matches()
                && WORD.matcher(protocolVersion).matches();
    }

    /**
     * Writes the record under a new private name, flushed to disk, and renames it into place, so that
     * a relay reading it meanwhile (or after a power loss) sees the old record or the new one, never a part.
     */
    void write(DaemonPaths paths) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(initialize.length + tools.length + 128);
        text.writeBytes((HEADER + " " + build + " " + protocolVersion + "\n").getBytes(StandardCharsets.UTF_8));
        text.writeBytes(initialize);
        text.write('\n');
        text.writeBytes(tools);
        text.write('\n');
        Path file = paths.welcome(protocolVersion);
        // A name no other relay uses at the same time; creating it fails rather than reuse anything there.
        Path fresh = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()));
        try {
            SecureFiles.createPrivateNew(fresh);
            try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(text.toByteArray());
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    /** Removes this record (the daemon answered otherwise); true when there was one. */
    boolean drop(DaemonPaths paths) throws IOException {
        return Files.deleteIfExists(paths.welcome(protocolVersion));
    }

    /** Whether this record says the same as {@code other}. */
    boolean sameAs(RelayWelcome other) {
        return other != null && build.equals(other.build) && protocolVersion.equals(other.protocolVersion)
                && Arrays.equals(initialize, other.initialize) && Arrays.equals(tools, other.tools);
    }

    /** The answer to a client's {@code initialize} with this {@code id} (JSON text). */
    byte[] initializeAnswer(String id) {
        return answer(id, initialize);
    }

    /** The answer to a client's {@code tools/list} with this {@code id} (JSON text). */
    byte[] toolsAnswer(String id) {
        return answer(id, tools);
    }

    private static byte[] answer(String id, byte[] result) {
        byte[] head = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":").getBytes(StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOf(head, head.length + result.length + 1);
        System.arraycopy(result, 0, line, head.length, result.length);
        line[line.length - 1] = '}';
        return line;
    }

    /**
     * The {@code result} object of an answer line, as the bytes that came; null for an error, or for
     * a line that is no answer. Jackson's streaming parser skips through the result without
     * building anything.
     */
    static byte[] resultOf(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (LineScan.toField(p, "result") != JsonToken.START_OBJECT) {
                return null;
            }
            int from = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int to = (int) p.currentLocation().getByteOffset();
            return from >= 0 && to > from && to <= line.length ? Arrays.copyOfRange(line, from, to) : null;
        } catch (IOException e) {
            return null; // not JSON: no result
        }
    }

    /**
     * Whether an answer line ends with {@code "result":} and these result bytes (then its result is
     * they): the cheap check that a daemon answered what is recorded, without parsing 40 KB.
     */
    static boolean endsWithResult(byte[] line, byte[] result) {
        byte[] key = "\"result\":".getBytes(StandardCharsets.UTF_8);
        int resultAt = line.length - 1 - result.length;
        int keyAt = resultAt - key.length;
        return keyAt > 0 && line[line.length - 1] == '}'
                && Arrays.equals(line, resultAt, line.length - 1, result, 0, result.length)
                && Arrays.equals(line, keyAt, resultAt, key, 0, key.length);
    }

    /**
     * What a client's request asks in its {@code params}: the {@code protocolVersion} of an
     * {@code initialize}, and whether a {@code tools/list} names a page ({@code cursor}).
     */
    record Params(String protocolVersion, boolean hasCursor) {
        static final Params NONE = new Params(null, false);

        static Params of(String line) {
            try (JsonParser p = JSON.createParser(line)) {
                return LineScan.toField(p, "params") == JsonToken.START_OBJECT ? inside(p) : NONE;
            } catch (IOException e) {
                return NONE; // not JSON
            }
        }

        private static Params inside(JsonParser p) throws IOException {
            String version = null;
            boolean cursor = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("protocolVersion") && value == JsonToken.VALUE_STRING) {
                    version = p.getText();
                } else if (name.equals("cursor") && value != JsonToken.VALUE_NULL) {
                    cursor = true;
                }
                p.skipChildren();
            }
            return new Params(version, cursor);
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayWelcome w && sameAs(w);
    }

    @Override
    public int hashCode() {
        return build.hashCode() * 31 + protocolVersion.hashCode();
    }

    @Override
    public String toString() {
        return "RelayWelcome[build=" + build + ", protocolVersion=" + protocolVersion + ", " + initialize.length + "+"
                + tools.length + " bytes]";
    }
}
