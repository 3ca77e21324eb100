package dev.fleet.base;

/**
 * A parameter of the request broke its rule; nothing was changed. Services name the parameter as
 * the tools and the command line call it, so the user learns which value to fix.
 */
public class InvalidRequest extends RequestRefused {
    private final String parameter;

    public InvalidRequest(String parameter, String rule) {
        super("Invalid input: " + parameter + " " + rule);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
