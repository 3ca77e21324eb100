package dev.fleet.vcs;

import dev.fleet.member.Member;

/**
 * The step before work on a member that keeps its git credentials good for the work: a GitHub App
 * token that has expired, or is about to, is minted again. Services that run work (commands,
 * prompts) take this rather than the whole git-credential service.
 */
@FunctionalInterface
public interface CredentialRenewal {
    /** Never throws: a failed renewal is logged and the work goes ahead (git on the member then says what it lacks). */
    void renewIfExpiring(Member member);
}
