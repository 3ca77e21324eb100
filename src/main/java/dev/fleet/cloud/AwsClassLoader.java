package dev.fleet.cloud;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The AWS SDK's own class loader: the SDK's jars and fleet.jar, for fleet's classes that use the
 * SDK ({@code dev.fleet.cloud.aws}). Those and the SDK's classes are defined here, never asked of
 * the parent first: fleet.jar is on the parent's class path too, and a class of
 * {@code dev.fleet.cloud.aws} defined there could not see the SDK. Every other class (fleet's own,
 * the JDK's, SLF4J, Reactive Streams) comes from the parent, so both sides share one
 * {@link CloudProvider}, one {@code CloudConfig} and one logging set-up.
 */
final class AwsClassLoader extends URLClassLoader {
    private static final String[] OWN = {"dev.fleet.cloud.aws.", "software.amazon.awssdk."};

    static {
        registerAsParallelCapable();
    }

    AwsClassLoader(List<URL> urls, ClassLoader parent) {
        super("fleet-aws", urls.toArray(URL[]::new), parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!own(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private static boolean own(String className) {
        for (String prefix : OWN) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
