package dev.fleet.permissions;

/** Permissions could not be composed or granted; the message says why, and nothing was changed unless it says so. */
public final class PermissionException extends Exception {
    public PermissionException(String message) {
        super(message);
    }
}
