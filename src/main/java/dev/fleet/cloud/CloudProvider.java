package dev.fleet.cloud;

import dev.fleet.member.CloudConfig;

/**
 * One cloud's VM operations. Tools and the life-cycle logic use only this, so another provider
 * (GCP, Azure) is a new implementation, not a change to tools. Every call is bounded in time and
 * retried on throttling and transient errors by the implementation. Closing releases its clients.
 */
public interface CloudProvider extends AutoCloseable {
    /** Provider name as used in {@code cloud_provider} (e.g. "aws"). */
    String name();

    InstanceDetails describe(CloudConfig cloud) throws CloudException;

    /** Asks the instance to start; returns the state reported right after the request. */
    InstanceState start(CloudConfig cloud) throws CloudException;

    /** Asks the instance to stop; returns the state reported right after the request. */
    InstanceState stop(CloudConfig cloud) throws CloudException;

    /**
     * Readies what a call about {@code cloud} will need (its client, and the classes behind it)
     * without calling the cloud, so that a server's first call does not also pay for them.
     */
    default void prepare(CloudConfig cloud) throws CloudException {
    }

    @Override
    void close();
}
