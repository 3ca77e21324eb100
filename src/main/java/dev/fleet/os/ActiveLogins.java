package dev.fleet.os;

import dev.fleet.base.BundledText;

/**
 * The shell function that counts login sessions whose terminal saw input lately
 * ({@code fleet_active_logins MINUTES}, from {@code who -u}): one text for fleet's idle check and
 * the on-instance guard, so a session left open and untouched keeps neither from stopping an
 * instance nobody uses.
 */
public final class ActiveLogins {
    /** Defines {@code fleet_active_logins}; it prints a count. */
    public static final String FUNCTION = BundledText.of(ActiveLogins.class, "active-logins.sh");

    private ActiveLogins() {
    }
}
