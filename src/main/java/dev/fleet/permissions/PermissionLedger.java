package dev.fleet.permissions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A project's {@code permissions.json} on the PM's machine: the stacks last detected and every
 * permission granted mid-sprint, with why and when ({@code {"stacks":[…],"granted":[{"permission",
 * "reason","date"}]}}). Keys fleet does not use are kept.
 */
final class PermissionLedger {
    static final String FILE = "permissions.json";

    private final Path file;
    private final ObjectNode root;
    private final ObjectMapper mapper;

    private PermissionLedger(Path file, ObjectNode root, ObjectMapper mapper) {
        this.file = file;
        this.root = root;
        this.mapper = mapper;
    }

    /** The ledger in {@code projectFolder}; a missing file is an empty ledger. */
    static PermissionLedger load(Path projectFolder, ObjectMapper mapper) throws PermissionException {
        if (!Files.isDirectory(projectFolder)) {
            throw new PermissionException("project_folder " + projectFolder + " is not a folder on this machine");
        }
        Path file = projectFolder.resolve(FILE);
        if (Files.isSymbolicLink(file)) {
            // A cloned project can hold links: what one leads to is no ledger of this folder, and its
            // content would be copied into it.
            throw new PermissionException(file + " is a link; fleet reads and writes the ledger only as a plain file in project_folder");
        }
        try {
            JsonNode n = mapper.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) {
                throw new PermissionException(file + " is not a JSON object; fix it or move it aside");
            }
            return new PermissionLedger(file, (ObjectNode) n, mapper);
        } catch (NoSuchFileException e) {
            return new PermissionLedger(file, mapper.createObjectNode(), mapper);
        } catch (IOException e) {
            throw new PermissionException(file + " is not valid JSON (" + e.getClass().getSimpleName() + "); fix it or move it aside");
        }
    }

    void setStacks(List<String> stacks) {
        ArrayNode a = root.putArray("stacks");
        stacks.forEach(a::add);
    }

    List<String> grantedPermissions() {
        List<String> out = new ArrayList<>();
        for (JsonNode g : granted()) {
            if (g.path("permission").isTextual()) {
                out.add(g.get("permission").asText());
            }
        }
        return out;
    }

    /** Records a grant unless the permission is already in the ledger. */
    void grant(String permission, String reason, String date) {
        if (grantedPermissions().contains(permission)) {
            return;
        }
        ObjectNode g = granted().addObject();
        g.put("permission", permission);
        g.put("reason", reason);
        g.put("date", date);
    }

    private ArrayNode granted() {
        JsonNode g = root.get("granted");
        return g != null && g.isArray() ? (ArrayNode) g : root.putArray("granted");
    }

    /** Pretty JSON and a newline, replaced in one step. */
    void save() throws PermissionException {
        Path tmp = file.resolveSibling(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            String text = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
            // A new file only: a file or link already under the temporary name is never written through.
            Files.deleteIfExists(tmp);
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PermissionException("Cannot write " + file + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Best effort.
            }
        }
    }

    Path file() {
        return file;
    }
}
