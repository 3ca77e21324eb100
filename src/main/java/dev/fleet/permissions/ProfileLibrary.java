package dev.fleet.permissions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Permission profiles: the ones shipped with fleet, each overridable by a file of the same name in
 * {@code <data dir>/permission-profiles/}. A base profile is {@code {"permissions":{"allow":[…]}}};
 * a stack profile is {@code {"dev":[…],"reviewer":[…]}}. A profile that does not exist adds nothing.
 */
public final class ProfileLibrary {
    static final String RESOURCE_DIR = "/dev/fleet/permissions/profiles/";

    private final Path overrides;
    private final ObjectMapper mapper;

    public ProfileLibrary(Path overrides, ObjectMapper mapper) {
        this.overrides = overrides;
        this.mapper = mapper;
    }

    List<String> base(Role role) throws PermissionException {
        return strings(load(role.baseProfile()).path("permissions").path("allow"), role.baseProfile());
    }

    List<String> forStack(Stack stack, Role role) throws PermissionException {
        return strings(load(stack.json()).path(role.stackKey()), stack.json());
    }

    private JsonNode load(String name) throws PermissionException {
        Path file = overrides.resolve(name + ".json");
        try {
            return mapper.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            // Not overridden: the shipped profile.
        } catch (IOException e) {
            throw new PermissionException("Permission profile " + file + " is not valid JSON (" + e.getClass().getSimpleName()
                    + "); fix it or delete it to use the shipped one");
        }
        try (InputStream in = ProfileLibrary.class.getResourceAsStream(RESOURCE_DIR + name + ".json")) {
            return in == null ? mapper.missingNode() : mapper.readTree(in);
        } catch (IOException e) {
            throw new PermissionException("Shipped permission profile " + name + " cannot be read: " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode array, String profile) throws PermissionException {
        List<String> out = new ArrayList<>();
        if (array.isMissingNode() || array.isNull()) {
            return out;
        }
        if (!array.isArray()) {
            throw new PermissionException("Permission profile " + profile + " has a non-list where a list of permissions belongs");
        }
        for (JsonNode n : array) {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
