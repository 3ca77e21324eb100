package dev.fleet.tools;

import dev.fleet.base.InvalidRequest;

/** A parameter broke its rule. The call changes nothing. */
public final class InvalidInputException extends InvalidRequest {
    public InvalidInputException(String parameter, String rule) {
        super(parameter, rule);
    }
}
