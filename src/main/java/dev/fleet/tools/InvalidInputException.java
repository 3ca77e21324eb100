package dev.fleet.tools;

/** A parameter broke its rule. The call changes nothing. */
public final class InvalidInputException extends ToolException {
    private final String parameter;

    public InvalidInputException(String parameter, String rule) {
        super("Invalid input: " + parameter + " " + rule);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
