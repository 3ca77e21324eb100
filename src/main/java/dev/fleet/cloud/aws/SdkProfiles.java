package dev.fleet.cloud.aws;

import dev.fleet.cloud.AwsProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/** The user's AWS files through the SDK's own reader, so fleet sees a profile exactly as the SDK will use it. */
final class SdkProfiles implements AwsProfiles {
    private final ProfileFile files;

    private SdkProfiles(ProfileFile files) {
        this.files = files;
    }

    static SdkProfiles read(Path credentialsFile, Path configFile) {
        ProfileFile.Aggregator all = ProfileFile.aggregator();
        if (Files.isRegularFile(credentialsFile)) {
            all.addFile(ProfileFile.builder().content(credentialsFile).type(ProfileFile.Type.CREDENTIALS).build());
        }
        if (Files.isRegularFile(configFile)) {
            all.addFile(ProfileFile.builder().content(configFile).type(ProfileFile.Type.CONFIGURATION).build());
        }
        return new SdkProfiles(all.build());
    }

    @Override
    public Optional<Map<String, String>> profile(String name) {
        return files.profile(name).map(Profile::properties);
    }
}
