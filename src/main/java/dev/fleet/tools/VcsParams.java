package dev.fleet.tools;

import dev.fleet.vcs.VcsProvider;
import java.util.Arrays;

/** Parameters of the git-credential tools, declared once. */
final class VcsParams {
    /** Anything but whitespace and control characters: a secret arrives byte for byte, shell characters included. */
    static final String SECRET_REGEX = "[^\\x00-\\x20\\x7f]{1,4096}";
    static final String SECRET_RULE = "must be 1 to 4096 characters without spaces, line breaks or control characters";

    static final Param PROVIDER = Param.oneOf("provider", "The git hosting service: github, bitbucket or azure-devops.",
            Arrays.stream(VcsProvider.values()).map(VcsProvider::json).toArray(String[]::new)).required();

    private VcsParams() {
    }

    static VcsProvider provider(ToolInput in) {
        return VcsProvider.fromJson(in.string("provider")).orElseThrow();
    }
}
