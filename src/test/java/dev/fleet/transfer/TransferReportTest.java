package dev.fleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a transfer's report says the call failed as a whole, and what it counts. */
class TransferReportTest {
    static final Member MEMBER = Member.builder().id("m").friendlyName("m").agentType(AgentType.REMOTE).build();
    static final FileTransfers.FileResult OK = FileTransfers.FileResult.done("/a", "/w/a", 5);
    static final FileTransfers.FileResult FAILED = FileTransfers.FileResult.failed("/b", "refused");

    private static FileTransfers.Report report(int skipped, FileTransfers.FileResult... files) {
        return new FileTransfers.Report(MEMBER, List.of(files), skipped);
    }

    @Test
    void onlyACallWhoseEveryFileFailedAndNoneWasUnchangedFailed() {
        assertThat(report(0, FAILED, FAILED).allFailed()).isTrue();
        assertThat(report(0, FAILED, OK).allFailed()).as("some files done").isFalse();
        assertThat(report(1, FAILED).allFailed()).as("the rest already in place").isFalse();
        assertThat(report(3).allFailed()).as("everything unchanged").isFalse();
        assertThat(report(0).allFailed()).as("nothing to do").isFalse();
    }

    @Test
    void countsFilesAndTheBytesOfThoseCopied() {
        FileTransfers.Report r = report(2, OK, FAILED, OK);
        assertThat(r.succeeded()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.bytes()).isEqualTo(10);
    }
}
