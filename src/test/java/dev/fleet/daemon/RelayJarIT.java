package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * fleet-relay.jar holds the relay alone (pom.xml lists its classes by hand): every class any of
 * them uses must be in it, in the JDK, or in jackson-core, the one library its manifest names; a
 * class left out would fail only on the path that needs it, in front of a user.
 */
class RelayJarIT {
    private final Path serverJar = Path.of(System.getProperty("fleet.jar")).toAbsolutePath();
    private final Path relayJar = serverJar.resolveSibling(CodeLocation.RELAY_JAR);

    @Test
    void everyClassTheRelayUsesIsInItsJarTheJdkOrJacksonCore() throws Exception {
        assertThat(relayJar).isRegularFile();
        JavaClasses inJar;
        try (JarFile jar = new JarFile(relayJar.toFile())) {
            inJar = new ClassFileImporter().importJar(jar);
        }
        Set<String> packed = inJar.stream().map(JavaClass::getName).collect(Collectors.toSet());
        assertThat(packed).contains(Relay.class.getName(), DaemonStarter.class.getName(), BuildId.class.getName());

        Set<String> missing = new TreeSet<>();
        for (JavaClass c : inJar) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                while (target.isArray()) {
                    target = target.getComponentType();
                }
                String name = target.getName();
                boolean fine = target.isPrimitive() || packed.contains(name) || name.startsWith("java.") || name.startsWith("javax.")
                        || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("com.fasterxml.jackson.core.");
                if (!fine) {
                    missing.add(name + " (used by " + c.getName() + ")");
                }
            }
        }
        assertThat(missing).as("classes the relay uses that fleet-relay.jar lacks: add them to fleet.relay.classes in pom.xml")
                .isEmpty();
    }

    @Test
    void itsClassPathIsJacksonCoreBesideTheServerLibrariesAndItsMainIsTheRelay() throws Exception {
        Manifest manifest;
        try (JarFile jar = new JarFile(relayJar.toFile())) {
            manifest = jar.getManifest();
        }
        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo(Relay.class.getName());
        String classPath = manifest.getMainAttributes().getValue("Class-Path");
        assertThat(classPath.split(" ")).singleElement().satisfies(entry -> {
            assertThat(entry).matches("lib/jackson-core-[0-9.]+\\.jar");
            assertThat(Files.isRegularFile(relayJar.resolveSibling(entry))).as(entry + " exists beside the jar").isTrue();
        });
    }
}
