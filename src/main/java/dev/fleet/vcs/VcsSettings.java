package dev.fleet.vcs;

import java.net.URI;
import java.time.Duration;

/**
 * Where the hosting services' APIs and git hosts are (read from the settings: GitHub Enterprise
 * Server, and tests, point them elsewhere than the public services).
 *
 * @param githubApi      the GitHub REST API
 * @param githubHost     the host git talks to for GitHub
 * @param bitbucketApi   the Bitbucket Cloud REST API
 * @param bitbucketHost  the host git talks to for Bitbucket
 * @param azureDevOpsApi where organizations given as {@code https://dev.azure.com/<org>} are asked
 * @param httpTimeout    limit of each API call
 */
public record VcsSettings(URI githubApi, String githubHost, URI bitbucketApi, String bitbucketHost, URI azureDevOpsApi,
                          Duration httpTimeout) {
}
