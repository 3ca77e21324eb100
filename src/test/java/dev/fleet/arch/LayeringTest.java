package dev.fleet.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layers of DESIGN.md: front ends → tools → services → security; nothing reaches back up. */
class LayeringTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fleet");

    @Test
    void servicesDoNotKnowAboutToolsMcpOrTheCommandLine() {
        noClasses().that().resideInAnyPackage("dev.fleet.member..", "dev.fleet.exec..", "dev.fleet.os..",
                        "dev.fleet.agentcli..", "dev.fleet.status..", "dev.fleet.security..", "dev.fleet.cloud..",
                        "dev.fleet.tasks..", "dev.fleet.guard..", "dev.fleet.budget..", "dev.fleet.gpu..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.tools..", "dev.fleet.mcp..", "dev.fleet.cli..",
                        "io.modelcontextprotocol..")
                .check(classes);
    }

    @Test
    void toolsDoNotKnowAboutMcpOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.fleet.tools..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.mcp..", "dev.fleet.cli..", "io.modelcontextprotocol..")
                .check(classes);
    }

    @Test
    void securityDependsOnNothingOfFleet() {
        noClasses().that().resideInAPackage("dev.fleet.security..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fleet.member..", "dev.fleet.exec..", "dev.fleet.tools..")
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
}
