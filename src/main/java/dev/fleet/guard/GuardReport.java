package dev.fleet.guard;

import java.util.List;

/**
 * What an install, update or removal of the guard did on one member.
 *
 * @param scheduler what runs it: systemd-system, systemd-user, cron or none (null unless installed)
 * @param powerOff  sudo, custom (guard.env) or none (null unless installed)
 * @param notes     what the user should know: warnings, or why nothing was done
 */
public record GuardReport(Outcome outcome, String scheduler, String powerOff, List<String> notes) {

    public enum Outcome {
        INSTALLED, REMOVED, NOT_PRESENT, SKIPPED, FAILED,
        /** Nothing could be done on the instance now (it is stopped); fleet does it at its next start. */
        DEFERRED
    }

    public GuardReport {
        notes = List.copyOf(notes);
    }

    static GuardReport of(Outcome outcome, String note) {
        return new GuardReport(outcome, null, null, List.of(note));
    }

    /** One sentence for tool results. */
    public String sentence() {
        String head = switch (outcome) {
            case INSTALLED -> "guard installed (version " + GuardScripts.VERSION + "), run every minute by "
                    + GuardState.schedulerText(scheduler);
            case REMOVED -> "guard removed from the instance";
            case NOT_PRESENT -> "no guard was installed on the instance";
            case SKIPPED -> "guard not installed";
            case FAILED -> "guard could not be set up";
            case DEFERRED -> "";
        };
        if (head.isEmpty()) {
            return String.join("; ", notes);
        }
        return notes.isEmpty() ? head : head + ": " + String.join("; ", notes);
    }

    /** What deserves a warning in a result: the notes of an install, a failure; not a deliberate skip. */
    public List<String> warnings() {
        return switch (outcome) {
            case INSTALLED -> notes;
            case FAILED -> List.of(sentence());
            default -> List.of();
        };
    }

    GuardReport withNote(String note) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new GuardReport(outcome, scheduler, powerOff, all);
    }
}
