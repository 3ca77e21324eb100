package dev.fleet.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.fleet.tools.Tool;

/**
 * The layering rules, written once and checked against fleet ({@link LayeringTest}) and against
 * classes that break them on purpose ({@link LayeringRulesTest}), so a rule that stopped catching
 * anything would be noticed.
 */
final class Layers {
    private Layers() {
    }

    /** A tool reads: parse, one service call, format. It never uses another tool. */
    static ArchRule noToolUsesAnotherTool() {
        return classes().that().implement(Tool.class).should(new ArchCondition<JavaClass>("not depend on another tool") {
            @Override
            public void check(JavaClass tool, ConditionEvents events) {
                for (Dependency d : tool.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass();
                    if (!target.isEquivalentTo(Tool.class) && target.isAssignableTo(Tool.class)
                            && !outermost(target).equals(outermost(tool))) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        }).allowEmptyShould(false);
    }

    /** Tools talk to services; how SSH works is no business of theirs. */
    static ArchRule toolsDoNotReachIntoSsh(String toolsPackage) {
        return noClasses().that().resideInAPackage(toolsPackage)
                .should().dependOnClassesThat().resideInAPackage("dev.fleet.exec.ssh..");
    }

    /** No two packages depend on each other, directly or around a loop. */
    static ArchRule noPackageCycles(String slicePattern) {
        return slices().matching(slicePattern).should().beFreeOfCycles();
    }

    /**
     * {@code fleet serve} must start in a fraction of the server's time: the relay's classes, and
     * every fleet class they use in turn, load none of the server's machinery (MCP SDK, Jackson
     * databind, SSH, AWS, reactor, the tools, the composition root).
     */
    static ArchRule relayLoadsNoServerMachinery() {
        return noClasses().that().haveSimpleNameStartingWith("Relay").or().haveSimpleNameStartingWith("DaemonLink")
                .or().haveSimpleNameStartingWith("LineScan").or().haveSimpleNameStartingWith("DaemonStarter")
                .or().haveSimpleNameStartingWith("DaemonControl").or().haveSimpleNameStartingWith("SocketSafety")
                .or().haveSimpleNameStartingWith("ChannelStreams").or().haveSimpleNameStartingWith("BuildId")
                .or().haveSimpleNameStartingWith("DaemonPaths")
                .should().transitivelyDependOnClassesThat().resideInAnyPackage("io.modelcontextprotocol..",
                        "com.fasterxml.jackson.databind..", "org.apache.sshd..", "software.amazon..", "reactor..", "picocli..",
                        "dev.fleet.mcp..", "dev.fleet.tools..", "dev.fleet.exec..", "dev.fleet.cloud..")
                .orShould().transitivelyDependOnClassesThat().haveFullyQualifiedName("dev.fleet.Fleet")
                .allowEmptyShould(false);
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
