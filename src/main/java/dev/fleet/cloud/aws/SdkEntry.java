package dev.fleet.cloud.aws;

import dev.fleet.cloud.AwsProfiles;
import dev.fleet.cloud.AwsSdk;
import dev.fleet.cloud.CloudProvider;
import java.nio.file.Path;
import java.util.Map;

/** The AWS SDK as fleet uses it; {@code AwsRuntime} makes one by name, in the SDK's class loader. */
public final class SdkEntry implements AwsSdk {
    public SdkEntry() {
        // Made by reflection, by name.
    }

    @Override
    public CloudProvider ec2(String endpointOverride, Map<String, String> env) {
        return new Ec2Provider(endpointOverride, env);
    }

    @Override
    public AwsProfiles profiles(Path credentialsFile, Path configFile) {
        return SdkProfiles.read(credentialsFile, configFile);
    }
}
