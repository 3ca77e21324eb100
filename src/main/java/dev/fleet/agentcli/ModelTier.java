package dev.fleet.agentcli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A model class instead of a model id: each provider (and each member) says which model fills it. */
public enum ModelTier {
    CHEAP("cheap"), STANDARD("standard"), PREMIUM("premium");

    private final String json;

    ModelTier(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ModelTier::json).toList();
    }

    public static Optional<ModelTier> fromJson(String value) {
        return Arrays.stream(values()).filter(t -> t.json.equals(value)).findFirst();
    }
}
