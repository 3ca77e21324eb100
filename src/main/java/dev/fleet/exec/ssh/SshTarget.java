package dev.fleet.exec.ssh;

import java.nio.file.Path;

/**
 * Where and how to log in. {@link #toString()} never shows the password.
 *
 * @param key identifies the pooled connection: the member id plus everything that, when changed,
 *            must open a new connection
 */
public record SshTarget(String key, String host, int port, String username, String password, Path keyFile) {

    public String address() {
        return username + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "SshTarget[" + address() + (keyFile != null ? ", key " + keyFile : password != null ? ", password" : "") + "]";
    }
}
