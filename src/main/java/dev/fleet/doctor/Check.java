package dev.fleet.doctor;

import java.util.List;

/**
 * One thing {@code fleet doctor} examines. Checks are independent items handed to {@link Doctor},
 * so a new part of fleet (a daemon, a provider) adds its own check without touching the others.
 * A check never changes anything and never throws: trouble it meets is a finding.
 */
public interface Check {
    /** A short label shown in front of the check's findings, e.g. "ssh keys". */
    String name();

    List<Finding> run();
}
