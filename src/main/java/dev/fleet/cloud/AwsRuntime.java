package dev.fleet.cloud;

import dev.fleet.member.CloudConfig;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The AWS SDK, loaded on the first cloud call. Its 31 jars are not on fleet's class path: every
 * start opens every class-path jar (SLF4J's provider search and a class Reactor looks for and does
 * not find both read each jar's index), and the SDK's jars hold 57 % of all the entries, the EC2
 * one alone 13,665. Off the class path, a server that has no cloud member never opens them
 * (bench COLD; docs/decisions.md, "The AWS SDK has a class loader of its own").
 *
 * <p>fleet.jar's manifest lists the SDK's jars ({@value #MANIFEST_ATTRIBUTE}, relative to the
 * jar); {@link AwsClassLoader} loads them with {@code dev.fleet.cloud.aws}. Where fleet runs from a
 * classes folder or a jar without that list (tests, an IDE), the SDK is on the class path and is
 * used from there. Calls into the SDK run with its loader as the thread's context class loader:
 * the SDK finds its request interceptors and credential providers through it.
 */
public final class AwsRuntime {
    static final String MANIFEST_ATTRIBUTE = "Fleet-Aws-Class-Path";
    static final String ENTRY = "dev.fleet.cloud.aws.SdkEntry";
    /**
     * What mends an installation whose SDK jars are missing: a release has no {@code ./fleet} to
     * run (its launcher is {@code bin/fleet}, and its folder may be read-only), a checkout rebuilds.
     */
    public static final String REPAIR = "reinstall fleet (in a checkout, run ./fleet once to rebuild it)";

    private static AwsSdk loaded;

    private AwsRuntime() {
    }

    /** The SDK of this installation, loaded once; a missing or damaged one is told, and tried again at the next call. */
    public static synchronized AwsSdk sdk() throws CloudException {
        if (loaded == null) {
            loaded = load(loaderFor(codeSource(), AwsRuntime.class.getClassLoader()));
        }
        return loaded;
    }

    /** Where this class was loaded from: fleet.jar, or a classes folder. */
    private static Path codeSource() throws CloudException {
        try {
            return Path.of(AwsRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new CloudException("the AWS SDK could not be found: where fleet's own code lives is unknown (" + e + ")");
        }
    }

    /**
     * The loader for the SDK beside {@code code}: {@code parent} itself when {@code code} is no jar
     * or its manifest lists no SDK jars; else one over the jar and the listed jars, each of which
     * must exist.
     */
    static ClassLoader loaderFor(Path code, ClassLoader parent) throws CloudException {
        if (!Files.isRegularFile(code)) {
            return parent;
        }
        String listed;
        try (JarFile jar = new JarFile(code.toFile())) {
            Manifest manifest = jar.getManifest();
            listed = manifest == null ? null : manifest.getMainAttributes().getValue(MANIFEST_ATTRIBUTE);
        } catch (IOException e) {
            throw new CloudException("the AWS SDK could not be found: " + code + " cannot be read (" + e.getMessage() + ")");
        }
        if (listed == null || listed.isBlank()) {
            return parent;
        }
        URI base = code.toAbsolutePath().getParent().toUri();
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(code.toUri().toURL());
            for (String entry : listed.trim().split("\\s+")) {
                Path jar = Path.of(base.resolve(entry));
                if (!Files.isRegularFile(jar)) {
                    throw new CloudException("the AWS SDK of this installation is incomplete: " + jar + " is missing (" + code.getFileName()
                            + " lists it); " + REPAIR);
                }
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new CloudException("the AWS SDK could not be found: " + code.getFileName() + " lists a jar that is no file name ("
                    + e.getMessage() + ")");
        }
        return new AwsClassLoader(urls, parent);
    }

    /** The SDK as {@code loader} has it; calls into it run with {@code loader} as the context class loader. */
    static AwsSdk load(ClassLoader loader) throws CloudException {
        AwsSdk sdk;
        try {
            sdk = (AwsSdk) Class.forName(ENTRY, true, loader).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new CloudException("the AWS SDK could not be loaded: " + e);
        }
        return loader == AwsRuntime.class.getClassLoader() ? sdk : new InLoader(sdk, loader);
    }

    /** A call that runs with the SDK's loader as the context class loader. */
    private interface Call<T, E extends Exception> {
        T run() throws E;
    }

    private static <T, E extends Exception> T in(ClassLoader loader, Call<T, E> call) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private record InLoader(AwsSdk sdk, ClassLoader loader) implements AwsSdk {
        @Override
        public CloudProvider ec2(String endpointOverride, Map<String, String> env) {
            return new InLoaderProvider(in(loader, () -> sdk.ec2(endpointOverride, env)), loader);
        }

        @Override
        public AwsProfiles profiles(Path credentialsFile, Path configFile) {
            AwsProfiles profiles = in(loader, () -> sdk.profiles(credentialsFile, configFile));
            return name -> in(loader, () -> profiles.profile(name));
        }
    }

    private record InLoaderProvider(CloudProvider provider, ClassLoader loader) implements CloudProvider {
        @Override
        public String name() {
            return provider.name();
        }

        @Override
        public InstanceDetails describe(CloudConfig cloud) throws CloudException {
            return in(loader, () -> provider.describe(cloud));
        }

        @Override
        public InstanceState start(CloudConfig cloud) throws CloudException {
            return in(loader, () -> provider.start(cloud));
        }

        @Override
        public InstanceState stop(CloudConfig cloud) throws CloudException {
            return in(loader, () -> provider.stop(cloud));
        }

        @Override
        public void prepare(CloudConfig cloud) throws CloudException {
            in(loader, () -> {
                provider.prepare(cloud);
                return null;
            });
        }

        @Override
        public void close() {
            in(loader, () -> {
                provider.close();
                return null;
            });
        }
    }
}
