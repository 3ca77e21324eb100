package dev.fleet.vcs;

import dev.fleet.os.GitCredentialCommands;
import java.net.URI;

/**
 * An Azure DevOps organization from its URL: {@code https://dev.azure.com/<org>} (asked at the
 * configured API base, git host dev.azure.com), or a legacy {@code https://<org>.visualstudio.com}
 * or server URL (asked at itself, git host its own host).
 *
 * @param name the organization as shown (the segment after dev.azure.com/, else the whole URL)
 */
record AzureOrg(String name, URI api, String host) {
    static final String CLOUD_HOST = "dev.azure.com";

    static AzureOrg of(String orgUrl, URI azureApi) throws VcsException {
        URI u;
        try {
            u = URI.create(orgUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new VcsException("org_url is not a URL: " + orgUrl);
        }
        if (u.getHost() == null || !"https".equals(u.getScheme()) || !u.getHost().matches(GitCredentialCommands.HOST_REGEX)) {
            throw new VcsException("org_url must be an https URL such as https://dev.azure.com/my-org, got " + orgUrl);
        }
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        if (u.getHost().equalsIgnoreCase(CLOUD_HOST)) {
            String org = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            if (!org.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
                throw new VcsException("org_url must name the organization: https://dev.azure.com/<organization>, got " + orgUrl);
            }
            return new AzureOrg(org, URI.create(azureApi + "/" + org), CLOUD_HOST);
        }
        String base = u.getScheme() + "://" + u.getRawAuthority() + (path.isEmpty() ? "" : "/" + path);
        return new AzureOrg(orgUrl.strip(), URI.create(base), u.getHost().toLowerCase(java.util.Locale.ROOT));
    }
}
