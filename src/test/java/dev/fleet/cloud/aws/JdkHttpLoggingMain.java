package dev.fleet.cloud.aws;

import dev.fleet.base.LogSafety;
import dev.fleet.member.CloudConfig;
import java.util.Map;

/**
 * A child JVM for {@link JdkHttpLoggingTest}: starts as fleet's entry points do, then asks an EC2
 * endpoint about an instance with a session token. Arguments: endpoint, session token, instance id.
 */
public final class JdkHttpLoggingMain {
    private JdkHttpLoggingMain() {
    }

    public static void main(String[] args) throws Exception {
        LogSafety.enforce();
        try (Ec2Provider ec2 = new Ec2Provider(args[0], Map.of("AWS_ACCESS_KEY_ID", "AKIDJULTEST",
                "AWS_SECRET_ACCESS_KEY", "julTestSecretKey0123456789", "AWS_SESSION_TOKEN", args[1]))) {
            System.out.println(ec2.describe(new CloudConfig("aws", args[2], "us-east-1", null, 30, null, null, Map.of())).state());
        }
    }
}
