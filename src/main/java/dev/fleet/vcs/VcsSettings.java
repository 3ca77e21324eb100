package dev.fleet.vcs;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where the hosting services' APIs and git hosts are. Defaults are the public services; GitHub
 * Enterprise Server (and tests) point {@code FLEET_GITHUB_API_URL} elsewhere.
 *
 * @param githubApi       {@code FLEET_GITHUB_API_URL}, default {@code https://api.github.com}
 *                        (GitHub Enterprise Server: {@code https://HOST/api/v3})
 * @param githubHost      {@code FLEET_GITHUB_HOST}: the host git talks to; default {@code github.com},
 *                        or the API URL's host when the API is not api.github.com
 * @param bitbucketApi    {@code FLEET_BITBUCKET_API_URL}, default {@code https://api.bitbucket.org/2.0}
 * @param bitbucketHost   {@code FLEET_BITBUCKET_HOST}, default {@code bitbucket.org}
 * @param azureDevOpsApi  {@code FLEET_AZURE_DEVOPS_API_URL}, default {@code https://dev.azure.com}: where
 *                        organizations given as {@code https://dev.azure.com/<org>} are asked
 * @param httpTimeout     limit of each API call
 */
public record VcsSettings(URI githubApi, String githubHost, URI bitbucketApi, String bitbucketHost, URI azureDevOpsApi,
                          Duration httpTimeout) {
    public static final String GITHUB_API_ENV = "FLEET_GITHUB_API_URL";
    public static final String GITHUB_HOST_ENV = "FLEET_GITHUB_HOST";
    public static final String BITBUCKET_API_ENV = "FLEET_BITBUCKET_API_URL";
    public static final String BITBUCKET_HOST_ENV = "FLEET_BITBUCKET_HOST";
    public static final String AZURE_DEVOPS_API_ENV = "FLEET_AZURE_DEVOPS_API_URL";
    static final String PUBLIC_GITHUB_API = "https://api.github.com";
    static final String PUBLIC_AZURE_DEVOPS = "https://dev.azure.com";

    public static VcsSettings fromEnvironment(Map<String, String> env) {
        URI github = url(env, GITHUB_API_ENV, PUBLIC_GITHUB_API);
        String githubHost = value(env, GITHUB_HOST_ENV);
        if (githubHost == null) {
            githubHost = "api.github.com".equalsIgnoreCase(github.getHost()) ? "github.com" : github.getHost();
        }
        String bitbucketHost = value(env, BITBUCKET_HOST_ENV);
        return new VcsSettings(github, githubHost, url(env, BITBUCKET_API_ENV, "https://api.bitbucket.org/2.0"),
                bitbucketHost == null ? "bitbucket.org" : bitbucketHost, url(env, AZURE_DEVOPS_API_ENV, PUBLIC_AZURE_DEVOPS),
                Duration.ofSeconds(30));
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A bad URL falls back to the public service, as other fleet settings do; the log says so. */
    private static URI url(Map<String, String> env, String name, String fallback) {
        String v = value(env, name);
        if (v != null) {
            try {
                URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                    return u;
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            org.slf4j.LoggerFactory.getLogger(VcsSettings.class).warn("{} is not an http(s) URL; using {}", name, fallback);
        }
        return URI.create(fallback);
    }
}
