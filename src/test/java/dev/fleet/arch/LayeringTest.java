package dev.fleet.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.fleet.exec.ssh.CryptoProviders;
import dev.fleet.exec.ssh.TofuHostKeys;
import org.junit.jupiter.api.Test;

/** The layers of DESIGN.md: front ends → tools → services → member → security and base; nothing reaches back up. */
class LayeringTest {
    private static final String[] SERVICES = {"dev.fleet.member..", "dev.fleet.exec..", "dev.fleet.os..",
        "dev.fleet.agentcli..", "dev.fleet.probe..", "dev.fleet.status..", "dev.fleet.security..", "dev.fleet.cloud..",
        "dev.fleet.tasks..", "dev.fleet.registration..", "dev.fleet.transfer..", "dev.fleet.commands..",
        "dev.fleet.settings..", "dev.fleet.base..", "dev.fleet.vcs..", "dev.fleet.permissions..", "dev.fleet.statusline..",
        "dev.fleet.guard..", "dev.fleet.budget.."};

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fleet");

    @Test
    void servicesDoNotKnowAboutToolsMcpOrTheCommandLine() {
        noClasses().that().resideInAnyPackage(SERVICES)
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.tools..", "dev.fleet.mcp..", "dev.fleet.cli..",
                        "dev.fleet.daemon..", "io.modelcontextprotocol..")
                .check(classes);
    }

    @Test
    void toolsDoNotKnowAboutMcpOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.fleet.tools..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.mcp..", "dev.fleet.cli..", "dev.fleet.daemon..",
                        "io.modelcontextprotocol..")
                .check(classes);
    }

    @Test
    void theRelayPathLoadsNoMcpSdkDatabindSshOrCloudClasses() {
        Layers.relayLoadsNoServerMachinery().check(classes);
    }

    @Test
    void mcpDoesNotKnowAboutTheDaemonOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.fleet.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.daemon..", "dev.fleet.cli..")
                .check(classes);
    }

    @Test
    void noToolUsesAnotherTool() {
        Layers.noToolUsesAnotherTool().check(classes);
    }

    @Test
    void toolsDoNotReachIntoSsh() {
        Layers.toolsDoNotReachIntoSsh("dev.fleet.tools..").check(classes);
    }

    @Test
    void noPackageDependsOnAnotherThatDependsBackOnIt() {
        Layers.noPackageCycles("dev.fleet.(**)").check(classes);
    }

    @Test
    void securityBaseAndSettingsDependOnNothingOfFleet() {
        noClasses().that().resideInAnyPackage("dev.fleet.security..", "dev.fleet.base..", "dev.fleet.settings..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.member..", "dev.fleet.exec..", "dev.fleet.tools..",
                        "dev.fleet.cloud..", "dev.fleet.os..")
                .check(classes);
    }

    @Test
    void cloudKeepsToCloudConcerns() {
        noClasses().that().resideInAPackage("dev.fleet.cloud..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.agentcli..", "dev.fleet.tasks..",
                        "dev.fleet.registration..", "dev.fleet.status..", "dev.fleet.os..", "dev.fleet.guard..", "dev.fleet.budget..")
                .check(classes);
    }

    /**
     * The AWS SDK's jars are not on fleet's class path (fleet.jar's manifest keeps them apart):
     * AwsRuntime loads them, with dev.fleet.cloud.aws, in a class loader of their own on the first
     * cloud call. A class elsewhere that named one of them would fail to load in an installed fleet.
     */
    @Test
    void onlyTheAwsPackageKnowsTheAwsSdkAndNothingNamesThatPackage() {
        noClasses().that().resideOutsideOfPackage("dev.fleet.cloud.aws..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "dev.fleet.cloud.aws..")
                .because("only AwsRuntime reaches dev.fleet.cloud.aws, by name, through the SDK's own class loader")
                .check(classes);
    }

    @Test
    void onlyTheOsPackageKnowsTheConcreteOsCommandBuilders() {
        noClasses().that().resideOutsideOfPackage("dev.fleet.os..")
                .should().dependOnClassesThat().haveSimpleName("LinuxCommands")
                .orShould().dependOnClassesThat().haveSimpleName("MacOsCommands")
                .orShould().dependOnClassesThat().haveSimpleName("WindowsCommands")
                .check(classes);
    }

    /**
     * MINA caches the provider of each algorithm at its first lookup, for the life of the JVM, so
     * fleet's choice of providers (CryptoProviders: the JDK's, Ed25519 included) must be installed
     * before any class reads a key, registers MINA's providers or starts its client. Every class that
     * can do one of those calls it; the exceptions are the JDK Ed25519 classes it installs, and the
     * host key verifier, which only runs inside a connection of SshPool's client.
     */
    @Test
    void everyUserOfMinasKeysOrProvidersInstallsFleetsProvidersFirst() {
        DescribedPredicate<JavaClass> minaCrypto = JavaClass.Predicates.resideInAnyPackage(
                        "org.apache.sshd.common.config.keys..", "org.apache.sshd.common.util.security..",
                        "org.apache.sshd.common.keyprovider..", "org.apache.sshd.common.signature..",
                        "org.apache.sshd.common.cipher..", "org.apache.sshd.common.kex..", "org.apache.sshd.client.config.hosts..")
                .or(JavaClass.Predicates.equivalentTo(org.apache.sshd.client.SshClient.class));
        DescribedPredicate<JavaClass> usesMinaCrypto = new DescribedPredicate<>("use MINA's keys, providers, ciphers or client") {
            @Override
            public boolean test(JavaClass c) {
                return c.getDirectDependenciesFromSelf().stream().anyMatch(d -> minaCrypto.test(d.getTargetClass()));
            }
        };
        classes().that(usesMinaCrypto)
                .and().doNotBelongToAnyOf(CryptoProviders.class, TofuHostKeys.class)
                .and().haveNameNotMatching("dev\\.fleet\\.exec\\.ssh\\.JdkEd25519.*")
                .should().dependOnClassesThat().belongToAnyOf(CryptoProviders.class)
                .because("MINA would otherwise build Bouncy Castle's provider and take its algorithms from it, for the JVM's life")
                .check(classes);
    }

    /** install, doctor and importer are the command line's own services: below cli, beside no tool. */
    private static final String[] COMMAND_LINE_SERVICES = {"dev.fleet.install..", "dev.fleet.doctor..", "dev.fleet.importer.."};

    @Test
    void theCommandLinesOwnServicesDoNotKnowAboutToolsMcpOrTheCommandLine() {
        noClasses().that().resideInAnyPackage(COMMAND_LINE_SERVICES)
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.tools..", "dev.fleet.mcp..", "dev.fleet.cli..",
                        "io.modelcontextprotocol..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLineUsesItsOwnServices() {
        noClasses().that().resideOutsideOfPackages(concat(COMMAND_LINE_SERVICES, "dev.fleet.cli.."))
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND_LINE_SERVICES)
                .check(classes);
    }

    private static String[] concat(String[] packages, String more) {
        String[] all = java.util.Arrays.copyOf(packages, packages.length + 1);
        all[packages.length] = more;
        return all;
    }
}
