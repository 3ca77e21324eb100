package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ServiceMessageTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void whatServicesUsuallySayIsQuotedAsSaid() {
        for (String said : new String[] {"Bad credentials", "A JSON web token could not be decoded", "Not Found",
                "'Expiration time' claim ('exp') is too far in the future", "Invalid credentials",
                "There is at least one repository that does not exist or is not accessible to the parent installation.",
                "API rate limit exceeded for installation ID 9001.", "Basic authentication is not supported",
                "You are not authorized to perform this operation."}) {
            assertThat(ServiceMessage.quote(said, KnownSecrets.none())).isEqualTo(said);
        }
        assertThat(ServiceMessage.quote(null, KnownSecrets.none())).isEqualTo("unknown error");
        assertThat(ServiceMessage.quote(" \n", KnownSecrets.none())).isEqualTo("unknown error");
    }

    @Test
    void aKnownSecretGoesInEveryFormABasicHeaderOrAnEchoCouldCarry() {
        String token = "BBREJ-CANARY-7272?&/";
        KnownSecrets known = KnownSecrets.ofAuthorization("Basic " + b64("me@example.com:" + token));
        String login = "me@example.com:" + token;
        String said = String.join(" | ", token, b64(login), b64(login).replace("=", ""),
                Base64.getUrlEncoder().withoutPadding().encodeToString(login.getBytes(StandardCharsets.UTF_8)),
                b64(token), java.net.URLEncoder.encode(token, StandardCharsets.UTF_8), login);
        assertThat(ServiceMessage.quote(said, known)).isEqualTo(String.join(" | ", java.util.Collections.nCopies(7, "[removed]")));
        assertThat(ServiceMessage.quote("unknown user " + token, KnownSecrets.ofAuthorization("Bearer " + token)))
                .isEqualTo("unknown user [removed]");
        assertThat(ServiceMessage.quote("for abc", KnownSecrets.of("abc"))).as("too short to remove as text").isEqualTo("for abc");
    }

    @Test
    void credentialShapedTextGoesEvenWhenTheSecretIsNotKnown() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiI0MiJ9.c2lnbmF0dXJlX2J5dGVz-_x";
        assertThat(ServiceMessage.quote("you sent " + jwt + " which expired", KnownSecrets.none()))
                .isEqualTo("you sent [removed] which expired");
        assertThat(ServiceMessage.quote("header Authorization: Basic bWU6c2VjcmV0, then more", KnownSecrets.none()))
                .isEqualTo("header Authorization: [removed], then more");
        assertThat(ServiceMessage.quote("got Bearer abc.DEF_123-xyz; refused", KnownSecrets.none()))
                .isEqualTo("got Bearer [removed]; refused");
        assertThat(ServiceMessage.quote("{\"token\": \"s3cr3tvalue\", access_token=zzz&password=hunter22 X-Amz-Security-Token: IQoJb3JpZ2lu",
                KnownSecrets.none()))
                .isEqualTo("{\"token\": \"[removed]\", access_token=[removed]&password=[removed] X-Amz-Security-Token: [removed]");
        assertThat(ServiceMessage.quote("token ghp_" + "a1".repeat(18) + " and github_pat_" + "B_2".repeat(10) + " leaked",
                KnownSecrets.none())).isEqualTo("token [removed] and [removed] leaked");
    }

    @Test
    void aValueAServiceGaveIsCleanedAsItsMessagesAreAndAbsentReadsAsTheCallerSays() {
        String token = "VALUE-CANARY-8080";
        KnownSecrets known = KnownSecrets.ofAuthorization("Basic " + b64("a@b.io:" + token));
        assertThat(ServiceMessage.value("Octo Cat", known, "?")).isEqualTo("Octo Cat");
        assertThat(ServiceMessage.value("Octo\n" + b64("a@b.io:" + token), known, "?")).isEqualTo("Octo [removed]");
        assertThat(ServiceMessage.value(null, known, "?")).isEqualTo("?");
        assertThat(ServiceMessage.value("\r\n", known, null)).isNull();
    }

    @Test
    void theQuoteIsOneBoundedLine() {
        assertThat(ServiceMessage.quote("line one\r\nline\ttwo\u0000\u001b[31m red", KnownSecrets.none()))
                .isEqualTo("line one line two [31m red");
        String quoted = ServiceMessage.quote("x".repeat(5000), KnownSecrets.none());
        assertThat(quoted).hasSize(ServiceMessage.MAX_CHARS + 1).endsWith("…");
        String secret = "CUT-ACROSS-THE-LIMIT-1234";
        assertThat(ServiceMessage.quote("y".repeat(ServiceMessage.MAX_CHARS - 5) + secret, KnownSecrets.of(secret)))
                .as("removed before the cut, so no part of it is left").doesNotContain("CUT-");
    }

    @Test
    void itsOwnTextNeverHoldsTheSecrets() {
        assertThat(KnownSecrets.of("hunter2-secret").toString()).doesNotContain("hunter2");
    }
}
