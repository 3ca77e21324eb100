package dev.fleet.cloud;

import dev.fleet.member.CloudConfig;

/** The provider for a cloud block, created on first use (the AWS SDK is large; local fleets never load it). */
public final class CloudProviders implements AutoCloseable {
    /** Makes a provider; a provider that cannot be made (its SDK is missing) is a {@link CloudException}. */
    @FunctionalInterface
    public interface Factory {
        CloudProvider make() throws CloudException;
    }

    private final Factory awsFactory;
    private volatile CloudProvider aws;

    public CloudProviders(Factory awsFactory) {
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
                    aws = awsFactory.make();
                }
                p = aws;
            }
        }
        return p;
    }

    /** Readies the provider of {@code cloud} and its client (see {@link CloudProvider#prepare}). */
    public void prepare(CloudConfig cloud) throws CloudException {
        forConfig(cloud).prepare(cloud);
    }

    @Override
    public void close() {
        CloudProvider p = aws;
        if (p != null) {
            p.close();
        }
    }
}
