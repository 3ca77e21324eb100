package dev.fleet.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JavaCheckTest {
    @Test
    void anOldJavaIsAProblemWithAFix() {
        List<Finding> found = new JavaCheck(Runtime.Version.parse("11.0.2"), "Test", "/opt/jdk-11").run();
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Finding.Status.PROBLEM);
            assertThat(f.subject()).contains("Java 11.0.2", "needs Java 17");
            assertThat(f.fix()).contains("JAVA_HOME");
        });
    }

    @Test
    void theRunningJavaIsFine() {
        assertThat(JavaCheck.current().run()).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(Finding.Status.OK));
    }
}
