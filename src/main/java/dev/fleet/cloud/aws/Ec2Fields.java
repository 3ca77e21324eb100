package dev.fleet.cloud.aws;

import java.util.regex.Pattern;

/**
 * The free-text fields of an EC2 answer that fleet shows, stores (the spend ledger) or connects to.
 * An endpoint standing in for EC2 may put anything there, the request's signed headers included
 * (the session token travels in {@code X-Amz-Security-Token}); each field has a known shape, so a
 * value of any other shape is taken as absent rather than cleaned. The state and the launch time
 * are read into an enum and an instant, and the instance id must equal the one asked about.
 */
final class Ec2Fields {
    /**
     * A family, then a size: {@code t3.micro}, {@code p4d.24xlarge}, {@code u-6tb1.metal},
     * {@code m7i-flex.large}, {@code r8g.metal-24xl}. Lower case, as EC2 writes them.
     */
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9-]*");
    private static final int MAX_TYPE_CHARS = 40;
    /** {@code publicIpAddress} is an IPv4 address (a public IPv6 address is another field, which fleet does not read). */
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private Ec2Fields() {
    }

    /** The instance type, or null when EC2 gave none or something that is not one. */
    static String instanceType(String said) {
        return said != null && said.length() <= MAX_TYPE_CHARS && INSTANCE_TYPE.matcher(said).matches() ? said : null;
    }

    /** The public IPv4 address, or null when EC2 gave none or something that is not one. */
    static String publicIp(String said) {
        return said != null && IPV4.matcher(said).matches() ? said : null;
    }
}
