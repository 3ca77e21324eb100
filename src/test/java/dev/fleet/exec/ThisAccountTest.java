package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThisAccountTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "db.localhost", "127.0.0.1", "127.8.9.10", "0.0.0.0", "::1",
        "[::1]", "0:0:0:0:0:0:0:1", "::", "::ffff:127.0.0.1", "[::ffff:127.0.0.1]", " 127.0.0.1 ", "127.1", "127.0.1"})
    void everySpellingOfThisMachinesAddressIsLoopback(String host) {
        assertThat(ThisAccount.isLoopback(host)).isTrue();
    }

    /** Names are not looked up (no DNS wait), and nothing that only looks like an address counts. */
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1", "fe80::1", "example.com", "localhost.example.com",
        "127.0.0.1.example.com", "999.0.0.1.5", "::zz", "", "1271.0.0.1", "127.example"})
    void otherAddressesAndNamesAreNot(String host) {
        assertThat(ThisAccount.isLoopback(host)).isFalse();
    }
}
