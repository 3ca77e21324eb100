package dev.fleet.vcs;

/** What a hosting service said about a credential fleet was given. */
public sealed interface ApiCheck {
    String text();

    /** The service accepted it. */
    record Passed(String text) implements ApiCheck {
    }

    /** The service refused it: deploying it would only make git fail later. */
    record Rejected(String text) implements ApiCheck {
    }

    /** No verdict (service unreachable from here, rate limit, a scope the check needs): deployed anyway. */
    record Inconclusive(String text) implements ApiCheck {
    }
}
