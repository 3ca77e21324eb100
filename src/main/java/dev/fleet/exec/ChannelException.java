package dev.fleet.exec;

/** The member could not be reached or the channel failed; the message is safe to show. */
public class ChannelException extends Exception {
    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
