package dev.fleet.base;

/**
 * A request that cannot be carried out, for a reason the caller should read. The message is
 * complete, safe to show and free of secrets; the front ends pass it on as it is.
 */
public class RequestRefused extends RuntimeException {
    public RequestRefused(String message) {
        super(message);
    }

    public RequestRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
