package dev.fleet.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A record's own {@code toString} prints every component, so a record that holds a secret prints
 * it wherever it lands in a log line or an exception message. Every such record in fleet writes a
 * {@code toString} of its own.
 */
class SecretRecordsTest {
    /**
     * Text components that hold a secret in the clear, by name: a password, a token, an API key, a
     * private key's text. Not a sealed or encrypted value, nor a path to a key file, a token count
     * or a variable's name.
     */
    private static final Pattern SECRET = Pattern.compile("(?i)(?!encrypted|sealed).*(password|token|secret|apikey|privatekey|pem)");

    @Test
    void everyRecordHoldingASecretWritesItsOwnToString() throws Exception {
        List<String> printed = new ArrayList<>();
        List<String> covered = new ArrayList<>();
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.fleet")) {
            Class<?> type = c.reflect();
            if (!type.isRecord()) {
                continue;
            }
            List<String> secrets = new ArrayList<>();
            for (RecordComponent rc : type.getRecordComponents()) {
                if (SECRET.matcher(rc.getName()).matches() && (rc.getType() == String.class || rc.getType() == char[].class
                        || rc.getType() == byte[].class)) {
                    secrets.add(rc.getName());
                }
            }
            if (secrets.isEmpty()) {
                continue;
            }
            // javac declares a record's implicit toString final; one written in the record is not.
            boolean own = !java.lang.reflect.Modifier.isFinal(type.getDeclaredMethod("toString").getModifiers());
            (own ? covered : printed).add(type.getName() + " " + secrets);
        }
        assertThat(printed).as("records that would print a secret").isEmpty();
        assertThat(covered).as("the rule finds the records it is about").isNotEmpty();
    }
}
