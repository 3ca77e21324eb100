package dev.fleet.install;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.base.RegularFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;

/** JSON files a person also edits: read as trees, written with two-space indents, replaced atomically. */
final class JsonFiles {
    /**
     * Numbers are kept as written where a double cannot hold them: a rewrite of the user's file
     * must not turn 1.10000000000000000001 into 1.1 (decimals are read exactly and written plain).
     */
    static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .build();
    /**
     * Files fleet may rewrite are read refusing duplicate keys: a JSON reader keeps only the last of
     * them, so a rewrite would drop the user's first one ({@code "env"} written twice lost the first
     * block's variables) without a word.
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
            MAPPER.reader().with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private JsonFiles() {
    }

    /**
     * The most fleet reads of a settings file, a project's {@code .mcp.json} or its own install
     * record: far above any real one (a few KB), low enough that a hostile file (a cloned
     * repository's {@code .mcp.json}) cannot fill the command's heap.
     */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    /**
     * The most fleet reads of Claude Code's own state file ({@code ~/.claude.json}), which keeps
     * every project's history and is known to grow past 100 MB. It is read as a stream, keeping only
     * the part fleet needs ({@link #readTopField}), so this bounds the time spent, not the memory.
     */
    static final long MAX_STATE_BYTES = 512L * 1024 * 1024;

    /** The file's object, or null when the file does not exist; only a regular file (or a link to one) of at most {@link #MAX_BYTES}. */
    static ObjectNode readObject(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = RegularFiles.read(file, MAX_BYTES);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
        } catch (IOException e) {
            throw notJson(file, e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IOException(file + " does not hold a JSON object; fix it by hand first, fleet changes nothing in it");
        }
        return object;
    }

    /**
     * One field of the file's top-level object, read as a stream: the rest is skipped, not kept.
     * Null when the file or the field does not exist. Same rules as {@link #readObject} otherwise.
     */
    static JsonNode readTopField(Path file, long maxBytes, String field) throws IOException {
        java.io.InputStream in;
        try {
            in = RegularFiles.open(file, maxBytes);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
        try (in; JsonParser parser = STRICT.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException(file + " does not hold a JSON object; fix it by hand first, fleet changes nothing in it");
            }
            JsonNode found = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals(field)) {
                    found = STRICT.readTree(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        } catch (RegularFiles.TooLarge e) {
            throw cannotRead(file, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw notJson(file, e);
        }
    }

    private static IOException cannotRead(Path file, IOException e) {
        // The JDK's own message may name neither the file nor the problem; fleet's own (RegularFiles) says the rule.
        String why = e instanceof java.nio.file.FileSystemException ? dev.fleet.base.IoReasons.of(e) : String.valueOf(e.getMessage());
        return new IOException("cannot read " + file + ": " + why + "; fleet changes nothing in it");
    }

    private static IOException notJson(Path file, IOException e) {
        // Where, never what: the parser's own message quotes the text it stopped at, which in a
        // settings file may be a token or key.
        String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
        if (e instanceof com.fasterxml.jackson.core.JsonParseException p && p.getOriginalMessage() != null
                && p.getOriginalMessage().startsWith("Duplicate field")) {
            return new IOException(file + " holds the same key twice in one object" + where + " (only the last would be kept, "
                    + "the first lost); fix it by hand first, fleet changes nothing in it");
        }
        return new IOException(file + " is not valid JSON" + where + "; fix it by hand first, fleet changes nothing in it");
    }

    static String pretty(JsonNode node) throws IOException {
        return MAPPER.writer(PRETTY).writeValueAsString(node) + "\n";
    }

    /**
     * Writes through a temporary file and a rename, keeping the permissions of the file it replaces.
     * A file that is a link (a settings file kept in a dotfiles repository) stays a link: the file
     * it leads to is replaced.
     */
    static void replace(Path link, byte[] content) throws IOException {
        Path file = Files.isSymbolicLink(link) && Files.exists(link) ? link.toRealPath() : link;
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName() + ".", ".fleet-tmp");
        try {
            Files.write(tmp, content);
            if (Files.exists(file) && Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
            } else if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
