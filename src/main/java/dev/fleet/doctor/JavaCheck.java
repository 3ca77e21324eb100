package dev.fleet.doctor;

import java.util.List;

/** The Java runtime fleet runs on. */
public final class JavaCheck implements Check {
    static final int REQUIRED = 17;

    private final Runtime.Version version;
    private final String vendor;
    private final String home;

    public JavaCheck(Runtime.Version version, String vendor, String home) {
        this.version = version;
        this.vendor = vendor;
        this.home = home;
    }

    public static JavaCheck current() {
        return new JavaCheck(Runtime.version(), System.getProperty("java.vendor", "unknown vendor"), System.getProperty("java.home"));
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public List<Finding> run() {
        String what = "Java " + version + " (" + vendor + ") at " + home;
        if (version.feature() < REQUIRED) {
            return List.of(Finding.problem(what + ": fleet needs Java " + REQUIRED + " or newer",
                    "install a Java " + REQUIRED + "+ runtime and put it first on PATH, or set JAVA_HOME to it"));
        }
        return List.of(Finding.ok(what));
    }
}
