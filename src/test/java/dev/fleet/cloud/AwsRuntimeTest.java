package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.CloudConfig;
import dev.fleet.testing.FakeEc2;
import java.io.File;
import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS SDK as an installed fleet has it: off the class path, in lib/aws, listed by fleet.jar's
 * manifest. Each test lays out such an installation from this build's classes and the SDK's jars.
 */
class AwsRuntimeTest {
    private static final String INSTANCE = "i-0aaaaaaaaaaaaaaa1";

    @TempDir
    Path dir;

    @Test
    void anInstalledFleetLoadsTheSdkInALoaderOfItsOwnAndUsesItForEc2AndTheUsersProfiles() throws Exception {
        Path jar = installation(sdkJars());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = AwsRuntime.loaderFor(jar, getClass().getClassLoader());
        try (URLClassLoader own = (URLClassLoader) loader; FakeEc2 ec2 = new FakeEc2().start()) {
            assertThat(own).isInstanceOf(AwsClassLoader.class);
            // Fleet's SDK classes and the SDK's are the loader's own; the interfaces between them are fleet's.
            assertThat(Class.forName(AwsRuntime.ENTRY, false, own).getClassLoader()).isSameAs(own);
            assertThat(Class.forName("software.amazon.awssdk.services.ec2.Ec2Client", false, own).getClassLoader()).isSameAs(own);
            assertThat(Class.forName(CloudProvider.class.getName(), false, own)).isSameAs(CloudProvider.class);
            assertThat(Class.forName(CloudConfig.class.getName(), false, own)).isSameAs(CloudConfig.class);

            AwsSdk sdk = AwsRuntime.load(own);
            ec2.addInstance(INSTANCE, "t3.small", FakeEc2.State.STOPPED);
            CloudConfig cloud = new CloudConfig("aws", INSTANCE, "us-east-1", null, 30, null, null, Map.of());
            try (CloudProvider provider = sdk.ec2(ec2.endpoint().toString(),
                    Map.of("AWS_ACCESS_KEY_ID", "AKIDFLEETTEST", "AWS_SECRET_ACCESS_KEY", "fleet-test-secret"))) {
                assertThat(provider.getClass().getClassLoader()).isNotSameAs(own);
                assertThat(provider.describe(cloud).state()).isEqualTo(InstanceState.STOPPED);
                assertThat(provider.start(cloud)).isIn(InstanceState.PENDING, InstanceState.RUNNING);
            }

            Path config = Files.writeString(dir.resolve("config"), "[profile work]\nsso_session = corp\nregion = eu-west-1\n");
            AwsProfiles profiles = sdk.profiles(dir.resolve("no-credentials"), config);
            assertThat(profiles.profile("work")).hasValueSatisfying(p -> assertThat(p).containsEntry("sso_session", "corp"));
            assertThat(profiles.profile("absent")).isEmpty();
        }
        // Each call set the SDK's loader for its own time only.
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void aListedJarThatIsMissingIsToldByNameAndNothingIsLoaded() throws Exception {
        List<Path> jars = sdkJars();
        Path jar = installation(jars);
        Path gone = dir.resolve("lib/aws").resolve(jars.get(0).getFileName());
        Files.delete(gone);
        assertThatThrownBy(() -> AwsRuntime.loaderFor(jar, getClass().getClassLoader()))
                .isInstanceOf(CloudException.class)
                .hasMessageContaining(gone.toString())
                .hasMessageContaining("reinstall fleet");
    }

    @Test
    void aClassesFolderOrAJarThatListsNoSdkUsesTheClassPath() throws Exception {
        ClassLoader parent = getClass().getClassLoader();
        assertThat(AwsRuntime.loaderFor(dir, parent)).isSameAs(parent);
        Path plain = dir.resolve("plain.jar");
        try (OutputStream out = Files.newOutputStream(plain); JarOutputStream ignored = new JarOutputStream(out, new Manifest())) {
            // A jar with a manifest that lists nothing.
        }
        assertThat(AwsRuntime.loaderFor(plain, parent)).isSameAs(parent);
        // And the SDK on the class path is used as it is, without a context-loader wrapper.
        assertThat(AwsRuntime.load(parent).getClass().getName()).isEqualTo(AwsRuntime.ENTRY);
    }

    /** The SDK's jars of this test run's class path. */
    private static List<Path> sdkJars() {
        List<Path> jars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.replace('\\', '/').contains("/software/amazon/awssdk/") && e.endsWith(".jar"))
                .map(Path::of).toList();
        assertThat(jars).as("the AWS SDK's jars on the test class path").hasSizeGreaterThan(10);
        return jars;
    }

    /** A fleet.jar holding dev.fleet.cloud.aws, whose manifest lists {@code sdk} copied into lib/aws beside it. */
    private Path installation(List<Path> sdk) throws Exception {
        Path aws = Files.createDirectories(dir.resolve("lib/aws"));
        List<String> listed = new ArrayList<>();
        for (Path j : sdk) {
            Files.copy(j, aws.resolve(j.getFileName()));
            listed.add("lib/aws/" + j.getFileName());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(AwsRuntime.MANIFEST_ATTRIBUTE, String.join(" ", listed));
        Path classes = Path.of(AwsRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path own = classes.resolve("dev/fleet/cloud/aws");
        Path jar = dir.resolve("fleet.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.list(own)) {
            for (Path c : files.toList()) {
                out.putNextEntry(new JarEntry("dev/fleet/cloud/aws/" + c.getFileName()));
                Files.copy(c, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
