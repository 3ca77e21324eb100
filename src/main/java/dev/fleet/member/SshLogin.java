package dev.fleet.member;

/**
 * How fleet logs in to a member over SSH. {@code encryptedPassword} is sealed by
 * {@link dev.fleet.security.SecretBox} and never shown; {@code port} is null when the registry
 * left it out (SSH's 22).
 */
public record SshLogin(String host, Integer port, String username, AuthType authType, String encryptedPassword,
                       String keyPath) {
    public static final int DEFAULT_PORT = 22;

    public int portOrDefault() {
        return port == null ? DEFAULT_PORT : port;
    }
}
