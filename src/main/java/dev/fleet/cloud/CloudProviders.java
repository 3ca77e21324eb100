package dev.fleet.cloud;

import dev.fleet.member.CloudConfig;
import java.util.function.Supplier;

/** The provider for a cloud block, created on first use (the AWS SDK is large; local fleets never load it). */
public final class CloudProviders implements AutoCloseable {
    private final Supplier<CloudProvider> awsFactory;
    private volatile CloudProvider aws;

    public CloudProviders(Supplier<CloudProvider> awsFactory) {
        this.awsFactory = awsFactory;
    }

    public CloudProvider forConfig(CloudConfig cloud) throws CloudException {
        if (!"aws".equals(cloud.provider())) {
            throw new CloudException("cloud provider '" + cloud.provider() + "' is not supported (only aws)");
        }
        CloudProvider p = aws;
        if (p == null) {
            synchronized (this) {
                if (aws == null) {
                    aws = awsFactory.get();
                }
                p = aws;
            }
        }
        return p;
    }

    @Override
    public void close() {
        CloudProvider p = aws;
        if (p != null) {
            p.close();
        }
    }
}
