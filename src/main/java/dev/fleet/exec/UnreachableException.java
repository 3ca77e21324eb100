package dev.fleet.exec;

/** The member could not be reached at all (nothing was started there), so trying again is safe. */
public final class UnreachableException extends ChannelException {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
