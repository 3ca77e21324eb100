package dev.fleet.vcs;

import java.util.Optional;

/** The git hosting services fleet can give members credentials for. */
public enum VcsProvider {
    GITHUB("github", "GitHub"),
    BITBUCKET("bitbucket", "Bitbucket"),
    AZURE_DEVOPS("azure-devops", "Azure DevOps");

    private final String json;
    private final String label;

    VcsProvider(String json, String label) {
        this.json = json;
        this.label = label;
    }

    /** The name tools and the registry use: {@code github}, {@code bitbucket}, {@code azure-devops}. */
    public String json() {
        return json;
    }

    /** The name people read. */
    public String label() {
        return label;
    }

    public static Optional<VcsProvider> fromJson(String value) {
        for (VcsProvider p : values()) {
            if (p.json.equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
