package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginEnvironmentTest {
    @Test
    void theLoginShellsOutputIsReadAsNulSeparatedAssignments() {
        assertThat(LoginEnvironment.parse("A=1\0B=x=y\0\0")).containsEntry("A", "1").containsEntry("B", "x=y");
    }
}
