package dev.fleet.exec.ssh;

import java.nio.file.Path;

/**
 * Where and how to log in. {@link #toString()} never shows the password.
 *
 * @param key        identifies the pooled connection: the member id plus everything that, when changed,
 *                   must open a new connection
 * @param hostKeyPin what the host key is recorded under instead of the address: a cloud instance's
 *                   id (its public address changes with every start and is handed to others); null
 *                   for machines known by their address
 */
public record SshTarget(String key, String host, int port, String username, String password, Path keyFile,
                        String hostKeyPin) {

    public SshTarget(String key, String host, int port, String username, String password, Path keyFile) {
        this(key, host, port, username, password, keyFile, null);
    }

    /** Whether this is a cloud instance (known by its id, not its address). */
    public boolean isCloudInstance() {
        return hostKeyPin != null;
    }

    /** The name the host key is recorded under: the pin, else the host. */
    public String hostKeyName() {
        return hostKeyPin != null ? hostKeyPin : host;
    }

    public String address() {
        return username + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "SshTarget[" + address() + (keyFile != null ? ", key " + keyFile : password != null ? ", password" : "") + "]";
    }
}
