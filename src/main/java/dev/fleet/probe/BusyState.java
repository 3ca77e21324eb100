package dev.fleet.probe;

/** Whether an agent is working for a member right now. */
public enum BusyState {
    /** An agent process runs in this member's folder or with its session. */
    BUSY("BUSY"),
    /** Agent processes run on the machine, but none for this member. */
    IDLE_OTHERS("idle*"),
    IDLE("idle"),
    /** The machine could not be asked. */
    UNKNOWN("unknown");

    private final String label;

    BusyState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static final String IDLE_OTHERS_FOOTNOTE =
            "idle* = agent processes are running on that machine, but none in this member's folder or session";
}
