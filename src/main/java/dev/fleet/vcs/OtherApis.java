package dev.fleet.vcs;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/** Credential checks against Bitbucket Cloud and Azure DevOps (they mint nothing; fleet only asks whether a credential works). */
final class OtherApis {
    private final ApiClient http;
    private final Clock clock;

    OtherApis(ApiClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Bitbucket's REST API takes the Atlassian account email with the API token. */
    ApiCheck bitbucket(URI api, String email, String apiToken) {
        ApiClient.Response r;
        try {
            r = http.get(URI.create(api + "/user"), Map.of("Authorization", basic(email, apiToken), "Accept", "application/json"));
        } catch (ApiClient.Unreachable e) {
            return new ApiCheck.Inconclusive("Bitbucket API not checked: " + e.getMessage());
        }
        if (r.ok()) {
            JsonNode name = r.body().path("display_name");
            return new ApiCheck.Passed("Bitbucket API accepted the token (user "
                    + r.shown(name.isValueNode() && !name.isNull() ? name : r.body().path("username"), "?") + ")");
        }
        if (r.status() == 401) {
            return new ApiCheck.Rejected("Bitbucket rejected the email and API token (401): " + ApiClient.message(r));
        }
        return new ApiCheck.Inconclusive("Bitbucket API could not confirm the token (" + r.status() + "): " + explain(r));
    }

    /** Azure DevOps takes a PAT as the password of any user name; a refused PAT may come back as a sign-in page. */
    ApiCheck azureDevOps(URI orgApi, String pat) {
        ApiClient.Response r;
        try {
            r = http.get(URI.create(orgApi + "/_apis/connectionData"), Map.of("Authorization", basic("", pat), "Accept", "application/json"));
        } catch (ApiClient.Unreachable e) {
            return new ApiCheck.Inconclusive("Azure DevOps API not checked: " + e.getMessage());
        }
        if (r.status() == 200 && r.body().has("authenticatedUser")) {
            return new ApiCheck.Passed("Azure DevOps accepted the PAT (user "
                    + r.shown(r.body().path("authenticatedUser").path("providerDisplayName"), "?") + ")");
        }
        if (r.status() == 401 || r.status() == 203 || r.status() == 302 || (r.status() == 200 && r.body().isMissingNode())) {
            return new ApiCheck.Rejected("Azure DevOps rejected the PAT (" + r.status() + ")");
        }
        if (r.status() == 404) {
            return new ApiCheck.Rejected("Azure DevOps organization not found at " + orgApi + " (404)");
        }
        return new ApiCheck.Inconclusive("Azure DevOps could not confirm the PAT (" + r.status() + "): " + explain(r));
    }

    private String explain(ApiClient.Response r) {
        return ApiClient.rateLimit(r, clock).orElseGet(() -> ApiClient.message(r));
    }
}
