package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsAndNeverStoresThePlaintext() throws Exception {
        SecretBox box = new SecretBox(tmp.resolve("salt"), "host\0user");
        String sealed = box.encrypt("correct horse battery staple");
        assertThat(sealed).startsWith("v1:").doesNotContain("horse");
        assertThat(box.encrypt("correct horse battery staple")).as("fresh IV each time").isNotEqualTo(sealed);
        assertThat(box.decrypt(sealed)).isEqualTo("correct horse battery staple");
        assertThat(new SecretBox(tmp.resolve("salt"), "host\0user").decrypt(sealed)).as("another process, same install")
                .isEqualTo("correct horse battery staple");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("salt")))).isEqualTo("rw-------");
    }

    @Test
    void anotherMachineOrUserCannotDecryptAndTheErrorRevealsNothing() {
        String sealed = new SecretBox(tmp.resolve("salt"), "host\0user").encrypt("s3cret-value");
        assertThatThrownBy(() -> new SecretBox(tmp.resolve("salt"), "other-host\0user").decrypt(sealed))
                .hasMessageContaining("cannot be decrypted on this machine")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> new SecretBox(tmp.resolve("salt"), "host\0user").decrypt(tampered(sealed)))
                .hasMessageContaining("cannot be decrypted");
    }

    private static String tampered(String sealed) {
        char[] c = sealed.toCharArray();
        int i = c.length / 2;
        c[i] = c[i] == 'A' ? 'B' : 'A';
        return new String(c);
    }
}
