package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.testing.LegacySeal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path tmp;

    private SecretBox box(Path dataDir, String identity) {
        return new SecretBox(dataDir.resolve("salt"), identity);
    }

    @Test
    void roundTripsAndNeverStoresThePlaintext() {
        SecretBox box = box(tmp, "host\0user");
        String sealed = box.encrypt("correct horse battery staple");
        assertThat(sealed).startsWith("v2:").doesNotContain("horse");
        assertThat(box.isCurrent(sealed)).isTrue();
        assertThat(box.encrypt("correct horse battery staple")).as("fresh IV each time").isNotEqualTo(sealed);
        assertThat(box.decrypt(sealed)).isEqualTo("correct horse battery staple");
        assertThat(box(tmp, "host\0user").decrypt(sealed)).as("another process, same install")
                .isEqualTo("correct horse battery staple");
    }

    @Test
    void theKeyIsRandom256BitsKeptInTheDataDirReadableByTheOwnerOnly() throws Exception {
        box(tmp, "host\0user").encrypt("x");
        Path key = tmp.resolve("secret.key");
        assertThat(Files.readAllBytes(key)).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        Path other = Files.createDirectories(tmp.resolve("other-install"));
        box(other, "host\0user").encrypt("x");
        assertThat(Files.readAllBytes(other.resolve("secret.key"))).isNotEqualTo(Files.readAllBytes(key));
    }

    @Test
    void aSecretStillOpensAfterTheMachinesNameChanges() {
        String sealed = box(tmp, "laptop.home\0user").encrypt("s3cret-value");
        assertThat(box(tmp, "laptop.office-wifi\0user").decrypt(sealed)).isEqualTo("s3cret-value");
    }

    @Test
    void anotherInstallationCannotDecryptAndTheErrorRevealsNothing() throws Exception {
        String sealed = box(tmp, "host\0user").encrypt("s3cret-value");
        Path other = Files.createDirectories(tmp.resolve("other-install"));
        box(other, "host\0user").encrypt("something else");
        assertThatThrownBy(() -> box(other, "host\0user").decrypt(sealed))
                .hasMessageContaining("cannot be decrypted")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> box(tmp, "host\0user").decrypt(tampered(sealed))).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void withoutItsKeyFileASecretCannotBeOpenedAndNoNewKeyIsMadeForIt() throws Exception {
        String sealed = box(tmp, "host\0user").encrypt("s3cret-value");
        Path fresh = Files.createDirectories(tmp.resolve("copied-registry-only"));
        assertThatThrownBy(() -> box(fresh, "host\0user").decrypt(sealed)).hasMessageContaining("secret.key");
        assertThat(fresh.resolve("secret.key")).doesNotExist();
    }

    @Test
    void secretsSealedTheOldWayStillOpenAndAreNotCurrent() throws Exception {
        String old = LegacySeal.seal("old-password", tmp.resolve("salt"), "host\0user");
        SecretBox box = box(tmp, "host\0user");
        assertThat(box.isCurrent(old)).isFalse();
        assertThat(box.decrypt(old)).isEqualTo("old-password");
        assertThatThrownBy(() -> box(tmp, "renamed-host\0user").decrypt(old)).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void theMachineIdentityIsLookedUpOnlyToOpenAValueSealedTheOldWayAndOnce() throws Exception {
        // The host name may take a name lookup (seconds on a machine whose own name does not
        // resolve): a start, and every value sealed with the key file, must not wait for it.
        AtomicInteger lookups = new AtomicInteger();
        SecretBox box = new SecretBox(tmp.resolve(SecretBox.KEY_FILE), tmp.resolve("salt"), () -> {
            lookups.incrementAndGet();
            return "host\0user";
        });
        String sealed = box.encrypt("s3cret-value");
        assertThat(box.decrypt(sealed)).isEqualTo("s3cret-value");
        assertThat(box.decrypt(box.sealForNow("pending"))).isEqualTo("pending");
        assertThat(lookups).as("no old value met yet").hasValue(0);

        String old = LegacySeal.seal("old-password", tmp.resolve("salt"), "host\0user");
        assertThat(box.decrypt(old)).isEqualTo("old-password");
        assertThat(box.decrypt(old)).isEqualTo("old-password");
        assertThat(lookups).as("looked up for the first old value, then kept").hasValue(1);
    }

    @Test
    void aSecretSealedForNowOpensInThisProcessOnlyWritesNoKeyAndIsKeptWithTheKeyFile() throws Exception {
        SecretBox box = box(tmp, "host\0user");
        String forNow = box.sealForNow("pending-password");
        assertThat(forNow).startsWith("v0:").doesNotContain("pending");
        assertThat(box.decrypt(forNow)).isEqualTo("pending-password");
        assertThat(box.isCurrent(forNow)).as("not to be sealed again as an old value").isTrue();
        assertThat(tmp.resolve("secret.key")).as("nothing written for a value sealed for now").doesNotExist();
        assertThatThrownBy(() -> box(tmp, "host\0user").decrypt(forNow)).as("another process")
                .hasMessageContaining("one process only").satisfies(e -> assertThat(e.getMessage()).doesNotContain("pending"));

        String kept = box.kept(forNow);
        assertThat(kept).startsWith("v2:");
        assertThat(tmp.resolve("secret.key")).exists();
        assertThat(box(tmp, "host\0user").decrypt(kept)).isEqualTo("pending-password");
        assertThat(box.kept(kept)).as("a value sealed with the key file stays as it is").isEqualTo(kept);
        assertThat(box.kept(null)).isNull();
    }

    private static String tampered(String sealed) {
        char[] c = sealed.toCharArray();
        int i = c.length / 2;
        c[i] = c[i] == 'A' ? 'B' : 'A';
        return new String(c);
    }
}
