package dev.fleet.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SecretWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running time as fleet sees it, priced per UTC day, kept across restarts. */
class SpendLedgerTest {
    static final String ID = "i-0aaaaaaaaaaaaaaa1";
    static final LocalDate DAY = LocalDate.parse("2026-11-28");

    @TempDir
    Path data;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T22:00:00Z"));

    private static InstanceDetails running(Instant launch) {
        return new InstanceDetails(ID, InstanceState.RUNNING, "203.0.113.9", "g5.xlarge", launch);
    }

    @Test
    void aRunIsPricedUpToTheLastSightingAndSplitAtMidnight() {
        SpendLedger ledger = new SpendLedger(data, clock);
        Instant launch = clock.instant();
        ledger.observed(running(launch), 2.0);
        clock.advance(Duration.ofHours(3)); // 01:00 the next day
        ledger.observed(running(launch), 2.0);
        assertThat(ledger.spentOn(ID, DAY).usd()).isCloseTo(4.0, within(0.001));
        assertThat(ledger.spentOn(ID, DAY.plusDays(1)).usd()).isCloseTo(2.0, within(0.001));
        assertThat(ledger.totalOn(DAY.plusDays(2)).usd()).isZero();
    }

    @Test
    void aStopEndsTheRunAndARestartedLedgerRemembersIt() {
        SpendLedger ledger = new SpendLedger(data, clock);
        Instant launch = clock.instant().minus(Duration.ofMinutes(30)); // running before fleet first looked
        ledger.observed(running(launch), 1.0);
        clock.advance(Duration.ofMinutes(30));
        ledger.stopping(ID);
        clock.advance(Duration.ofHours(1));
        ledger.observed(new InstanceDetails(ID, InstanceState.STOPPED, null, "g5.xlarge", launch), null);
        assertThat(ledger.spentOn(ID, DAY).usd()).isCloseTo(1.0, within(0.001));

        SpendLedger again = new SpendLedger(data, clock);
        assertThat(again.spentOn(ID, DAY).usd()).isCloseTo(1.0, within(0.001));
        assertThat(Files.exists(data.resolve("cost-ledger.json"))).isTrue();
    }

    @Test
    void aRunFleetDidNotSeeEndCountsOnlyWhatFleetSaw() {
        SpendLedger ledger = new SpendLedger(data, clock);
        Instant launch = clock.instant();
        ledger.observed(running(launch), 1.0);
        clock.advance(Duration.ofMinutes(20));
        ledger.observed(running(launch), 1.0);
        clock.advance(Duration.ofHours(1)); // stopped by someone else meanwhile; fleet now sees a new run
        Instant relaunch = clock.instant();
        ledger.observed(running(relaunch), 1.0);
        clock.advance(Duration.ofMinutes(10));
        ledger.observed(running(relaunch), 1.0);
        assertThat(ledger.spentOn(ID, DAY).usd()).isCloseTo(0.5, within(0.001));
    }

    @Test
    void runningTimeWithoutAKnownPriceIsFlaggedNotGuessed() {
        SpendLedger ledger = new SpendLedger(data, clock);
        Instant launch = clock.instant();
        ledger.observed(running(launch), null);
        clock.advance(Duration.ofHours(1));
        ledger.observed(running(launch), null);
        SpendLedger.Spend s = ledger.spentOn(ID, DAY);
        assertThat(s.usd()).isZero();
        assertThat(s.unpriced()).isTrue();
    }

    @Test
    void anUnreadableLedgerIsIgnoredNotFatal() throws Exception {
        Files.writeString(data.resolve("cost-ledger.json"), "{not json");
        SpendLedger ledger = new SpendLedger(data, clock);
        ledger.observed(running(clock.instant()), 1.0);
        clock.advance(Duration.ofHours(1));
        ledger.observed(running(clock.instant().minus(Duration.ofHours(1))), 1.0);
        assertThat(ledger.spentOn(ID, DAY).usd()).isCloseTo(1.0, within(0.001));
        assertThat(Files.readString(data.resolve("cost-ledger.json"))).contains("\"runs\"", ID);
    }

    @Test
    void aDamagedLedgerIsLoggedByPlaceNeverByItsText() throws Exception {
        // The JSON parser's own message quotes the token it stopped at; the time parser's the text it could not read.
        String badToken = "ghp_ledgerSecretToken0123456789";
        String badTime = "sk-ledgerSecretKey9876543210";
        Path ledgerFile = data.resolve("cost-ledger.json");
        try (SecretWatch watch = new SecretWatch()) {
            Files.writeString(ledgerFile, "{\"runs\": [\n  {\"instanceId\": " + badToken + "}]}");
            new SpendLedger(data, clock);
            Files.writeString(ledgerFile, "{\"runs\": [{\"instanceId\": \"" + ID + "\", \"from\": \"" + badTime
                    + "\", \"lastSeen\": \"" + badTime + "\"}]}");
            new SpendLedger(data, clock);
            assertThat(watch.logs()).contains(ledgerFile.toString(), "not valid JSON at line 2, column",
                    "a run's time is not an ISO-8601 instant").doesNotContain(badToken).doesNotContain(badTime);
        }
    }
}
