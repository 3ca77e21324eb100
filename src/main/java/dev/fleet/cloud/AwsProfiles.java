package dev.fleet.cloud;

import java.util.Map;
import java.util.Optional;

/** The profiles of the user's AWS configuration and credentials files, both read. */
public interface AwsProfiles {
    /** The named profile's properties (as written, e.g. {@code sso_session}); empty when there is no such profile. */
    Optional<Map<String, String>> profile(String name);
}
