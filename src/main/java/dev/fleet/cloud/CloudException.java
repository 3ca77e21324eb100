package dev.fleet.cloud;

/** A cloud operation failed; the message says what and is safe to show (no credentials). */
public class CloudException extends Exception {
    public CloudException(String message) {
        super(message);
    }

    public CloudException(String message, Throwable cause) {
        super(message, cause);
    }
}
