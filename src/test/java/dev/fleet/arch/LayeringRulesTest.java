package dev.fleet.arch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The layering rules catch what they are meant to: each is run against classes in violations/ that break it. */
class LayeringRulesTest {
    /** The broken classes, with the tools package that holds the Tool interface they implement. */
    private final JavaClasses broken = new ClassFileImporter().importPackages("dev.fleet.arch.violations", "dev.fleet.tools");

    @Test
    void aToolThatCallsAnotherToolIsCaught() {
        assertThatThrownBy(() -> Layers.noToolUsesAnotherTool().check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CallingTool").hasMessageContaining("CalledTool");
    }

    @Test
    void aToolThatReachesIntoSshIsCaught() {
        assertThatThrownBy(() -> Layers.toolsDoNotReachIntoSsh("dev.fleet.arch.violations.tools..").check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("SshKeys");
    }

    @Test
    void aRelayClassThatReachesJacksonDatabindThroughAnotherClassIsCaught() {
        assertThatThrownBy(() -> Layers.relayLoadsNoServerMachinery().check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("RelayWithAHeavyHelper").hasMessageContaining("ObjectMapper");
    }

    @Test
    void aPackageCycleIsCaught() {
        assertThatThrownBy(() -> Layers.noPackageCycles("dev.fleet.arch.violations.(*)..").check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }
}
