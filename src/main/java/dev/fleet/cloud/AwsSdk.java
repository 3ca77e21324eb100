package dev.fleet.cloud;

import java.nio.file.Path;
import java.util.Map;

/**
 * What fleet uses of the AWS SDK. Only {@code dev.fleet.cloud.aws} knows the SDK; everything else
 * reaches it through this interface, from {@link AwsRuntime}, which loads the SDK on first use.
 */
public interface AwsSdk {
    /** Where the SDK comes from ({@code AwsRuntime::sdk}); one that cannot be loaded is a {@link CloudException}. */
    @FunctionalInterface
    interface Source {
        AwsSdk get() throws CloudException;
    }

    /**
     * EC2 with the PM machine's own AWS configuration (fleet stores no AWS keys).
     *
     * @param endpointOverride another EC2 endpoint ({@code FLEET_EC2_ENDPOINT}); null: the SDK's own choice
     * @param env              the server's environment, where AWS keys are looked up
     */
    CloudProvider ec2(String endpointOverride, Map<String, String> env);

    /** The profiles of the user's AWS files, read as the SDK reads them; either file may be missing. */
    AwsProfiles profiles(Path credentialsFile, Path configFile);
}
