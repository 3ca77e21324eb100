package dev.fleet.vcs;

/** A git-credential operation could not be done; the message says why and holds no secret. */
public final class VcsException extends Exception {
    public VcsException(String message) {
        super(message);
    }
}
