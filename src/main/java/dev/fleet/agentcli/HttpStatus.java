package dev.fleet.agentcli;

import java.util.Optional;

/**
 * The failure class of an HTTP status that a CLI reported in a structured field (Claude's
 * {@code api_error_status}, Copilot's {@code statusCode}, OpenCode's {@code data.statusCode}).
 */
final class HttpStatus {
    private HttpStatus() {
    }

    static Optional<FailureClass> classify(Long status) {
        if (status == null) {
            return Optional.empty();
        }
        int s = status.intValue();
        if (s == 401 || s == 403) {
            return Optional.of(FailureClass.AUTH);
        }
        if (s == 402 || s == 429) {
            return Optional.of(FailureClass.USAGE_LIMIT);
        }
        if (s == 529 || s == 503) {
            return Optional.of(FailureClass.OVERLOADED);
        }
        if (s >= 500 && s <= 599) {
            return Optional.of(FailureClass.SERVER);
        }
        return Optional.empty();
    }
}
