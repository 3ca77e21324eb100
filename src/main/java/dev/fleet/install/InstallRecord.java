package dev.fleet.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What {@code fleet install} changed for one scope, kept in fleet's data folder so that
 * {@code fleet uninstall} takes back exactly that and nothing of the user's.
 *
 * @param settingsCreated  settings.json did not exist before fleet wrote it
 * @param settingsOriginal the backup of settings.json as it was before the first install (null: none)
 * @param settings         what was added to or replaced in settings.json
 * @param skillDirCreated  the skill folder did not exist before
 * @param skillsFolderCreated the folder that holds it ({@code .claude/skills}) did not exist before either:
 *                         uninstall removes it when it is empty then (a record without this says no)
 * @param claudeFolderCreated the {@code .claude} folder that holds settings.json and the skills did not exist
 *                         before: uninstall removes it when nothing else is in it then (a record without this says no)
 * @param skillFiles       skill files fleet wrote
 * @param registered       the server command fleet registered with Claude Code (null: it did not)
 * @param replacedServer   the command registered under the same name before (null: none)
 * @param skillHashes      each skill file's SHA-256 (hex) as fleet wrote it: uninstall removes only a file that
 *                         still has it (a record without it: see {@link ClaudeCodeWiring#uninstall})
 */
record InstallRecord(boolean settingsCreated, String settingsOriginal, SettingsWiring.Changes settings,
                     boolean skillDirCreated, boolean skillsFolderCreated, boolean claudeFolderCreated, List<String> skillFiles,
                     List<String> registered, List<String> replacedServer, Map<String, String> skillHashes) {

    static final InstallRecord NONE = new InstallRecord(false, null, SettingsWiring.Changes.NONE, false, false, false, List.of(), null,
            null, Map.of());

    InstallRecord {
        skillFiles = List.copyOf(skillFiles);
        registered = registered == null ? null : List.copyOf(registered);
        replacedServer = replacedServer == null ? null : List.copyOf(replacedServer);
        skillHashes = Collections.unmodifiableMap(new LinkedHashMap<>(skillHashes));
    }

    /** The SHA-256 of a file's content, as the record keeps it. */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** This install on top of an earlier one: what existed before the first install is kept from the first. */
    InstallRecord after(InstallRecord earlier) {
        if (earlier == null) {
            return this;
        }
        LinkedHashSet<String> files = new LinkedHashSet<>(earlier.skillFiles);
        files.addAll(skillFiles);
        boolean earlierSettings = earlier.settingsCreated || earlier.settingsOriginal != null
                || !earlier.settings.equals(SettingsWiring.Changes.NONE);
        return new InstallRecord(earlierSettings ? earlier.settingsCreated : settingsCreated,
                earlierSettings ? earlier.settingsOriginal : settingsOriginal,
                settings.after(earlier.settings),
                earlier.skillDirCreated || (earlier.skillFiles.isEmpty() && skillDirCreated),
                earlier.skillsFolderCreated || (earlier.skillFiles.isEmpty() && skillsFolderCreated),
                // Missing now, the folder holds nothing of an earlier install either.
                earlier.claudeFolderCreated || claudeFolderCreated,
                List.copyOf(files),
                registered != null ? registered : earlier.registered,
                earlier.registered != null ? earlier.replacedServer : replacedServer,
                hashesAfter(earlier.skillHashes, skillHashes));
    }

    private static Map<String, String> hashesAfter(Map<String, String> earlier, Map<String, String> now) {
        Map<String, String> all = new LinkedHashMap<>(earlier);
        all.putAll(now);
        return all;
    }

    static InstallRecord read(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            // Fleet writes its record as a file: a link there is someone else's, and what it leads
            // to is neither read as a record nor overwritten; install and uninstall stop here.
            throw new IOException(file + " is a symbolic link, not fleet's install record: fleet neither reads nor "
                    + "writes its own files through a link (remove the link and run the command again)");
        }
        ObjectNode n = JsonFiles.readObject(file);
        if (n == null) {
            return null;
        }
        JsonNode s = n.path("settings");
        return new InstallRecord(n.path("settingsCreated").asBoolean(), text(n, "settingsOriginal"),
                new SettingsWiring.Changes(strings(s.path("addedAllow")), strings(s.path("createdContainers")),
                        node(s, "hookEntry"), node(s, "replacedHookEntry"), node(s, "statusLine"), node(s, "previousStatusLine")),
                n.path("skillDirCreated").asBoolean(), n.path("skillsFolderCreated").asBoolean(),
                n.path("claudeFolderCreated").asBoolean(), strings(n.path("skillFiles")),
                n.has("registered") ? strings(n.get("registered")) : null,
                n.has("replacedServer") ? strings(n.get("replacedServer")) : null, hashes(n.path("skillHashes")));
    }

    void write(Path file) throws IOException {
        ObjectNode n = JsonFiles.MAPPER.createObjectNode();
        n.put("settingsCreated", settingsCreated);
        if (settingsOriginal != null) {
            n.put("settingsOriginal", settingsOriginal);
        }
        ObjectNode s = n.putObject("settings");
        strings(s.putArray("addedAllow"), settings.addedAllow());
        strings(s.putArray("createdContainers"), settings.createdContainers());
        putNode(s, "hookEntry", settings.hookEntry());
        putNode(s, "replacedHookEntry", settings.replacedHookEntry());
        putNode(s, "statusLine", settings.statusLine());
        putNode(s, "previousStatusLine", settings.previousStatusLine());
        n.put("skillDirCreated", skillDirCreated);
        n.put("skillsFolderCreated", skillsFolderCreated);
        n.put("claudeFolderCreated", claudeFolderCreated);
        strings(n.putArray("skillFiles"), skillFiles);
        if (registered != null) {
            strings(n.putArray("registered"), registered);
        }
        if (replacedServer != null) {
            strings(n.putArray("replacedServer"), replacedServer);
        }
        ObjectNode hashes = n.putObject("skillHashes");
        skillHashes.forEach(hashes::put);
        SecureFiles.createPrivateDirectories(file.getParent());
        SecureFiles.writePrivate(file, JsonFiles.pretty(n).getBytes(StandardCharsets.UTF_8));
    }

    private static void putNode(ObjectNode n, String field, JsonNode value) {
        if (value != null) {
            n.set(field, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Map<String, String> hashes(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    private static JsonNode node(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

}
