package dev.fleet.vcs;

import dev.fleet.member.GitAccess;
import java.util.List;

/** What provision_vcs_auth was given to make a member's credential from. */
public sealed interface CredentialSource {
    VcsProvider provider();

    /**
     * A token minted from the configured GitHub App. Null access or repos: the member's registered
     * {@code gitAccess} / {@code gitRepos}. Values given here are used for this token only.
     */
    record GitHubApp(GitAccess access, List<String> repos) implements CredentialSource {
        public GitHubApp {
            repos = repos == null ? null : List.copyOf(repos);
        }

        @Override
        public VcsProvider provider() {
            return VcsProvider.GITHUB;
        }
    }

    record GitHubPat(String token) implements CredentialSource {
        @Override
        public VcsProvider provider() {
            return VcsProvider.GITHUB;
        }

        @Override
        public String toString() {
            return "GitHubPat[****]";
        }
    }

    /** A Bitbucket Cloud API token; the email is for Bitbucket's REST API, git uses a fixed user name. */
    record Bitbucket(String email, String apiToken, String workspace) implements CredentialSource {
        @Override
        public VcsProvider provider() {
            return VcsProvider.BITBUCKET;
        }

        @Override
        public String toString() {
            return "Bitbucket[" + email + ", ****, " + workspace + "]";
        }
    }

    /** An Azure DevOps personal access token for an organization URL ({@code https://dev.azure.com/<org>}). */
    record AzureDevOps(String orgUrl, String pat) implements CredentialSource {
        @Override
        public VcsProvider provider() {
            return VcsProvider.AZURE_DEVOPS;
        }

        @Override
        public String toString() {
            return "AzureDevOps[" + orgUrl + ", ****]";
        }
    }
}
