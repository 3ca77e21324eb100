package dev.fleet.doctor;

/**
 * What a check found.
 *
 * @param status  ok, a note (nothing wrong, worth knowing), or a problem
 * @param subject what was looked at and what was found, in one sentence
 * @param fix     for a problem, what the user should do (a command where there is one); else null
 */
public record Finding(Status status, String subject, String fix) {
    public enum Status {
        OK("ok"),
        NOTE("note"),
        PROBLEM("problem");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static Finding ok(String subject) {
        return new Finding(Status.OK, subject, null);
    }

    public static Finding note(String subject) {
        return new Finding(Status.NOTE, subject, null);
    }

    public static Finding problem(String subject, String fix) {
        return new Finding(Status.PROBLEM, subject, fix);
    }
}
