package dev.fleet.arch.violations.relay;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The heavy part the relay must not load. */
final class JsonHelper {
    private JsonHelper() {
    }

    static String write(Object message) {
        try {
            return new ObjectMapper().writeValueAsString(message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(message);
        }
    }
}
