package dev.fleet.security;

import java.util.regex.Pattern;

/**
 * What a remote service said, made fit to quote in an error or a result. A service's message is
 * untrusted text: some quote the request back, Authorization header included, and a secret in an
 * encoded or derived form (base64 of {@code user:secret}, the JWT fleet signed) would get past
 * the redaction of the tool's literal arguments. So every place fleet quotes a service goes
 * through {@link #quote}: the known secrets in all their forms, credential-shaped values
 * (Authorization, Basic, Bearer, {@code token=}/{@code password:} values, JWTs, GitHub tokens)
 * are removed, and what is left is one line of at most {@value #MAX_CHARS} characters. A value a
 * service gives in a successful answer (a user's or an App's name) is no safer, since an endpoint
 * standing in for the service can put the request's header there: it goes through {@link #value}.
 */
public final class ServiceMessage {
    public static final int MAX_CHARS = 300;
    static final String REMOVED = "[removed]";
    private static final String NOTHING_SAID = "unknown error";

    /** An Authorization header's value, whatever its scheme, up to where a quoted value would end. */
    private static final Pattern AUTHORIZATION =
            Pattern.compile("(?i)(\\b(?:proxy-)?authorization[\"']?\\s*[:=]\\s*)[^\"',;}\\]\\r\\n]+");
    /** A Basic or Bearer credential: the scheme, then a run of token characters that holds a digit or a symbol. */
    private static final Pattern SCHEME_CREDENTIAL =
            Pattern.compile("(?i)(\\b(?:basic|bearer|token)\\s+)(?=[A-Za-z0-9+/=._~-]*[0-9+/=._~-])[A-Za-z0-9+/=._~-]{8,}");
    /** {@code token=…}, {@code "password": "…"}, {@code api_key: …}, {@code X-Amz-Security-Token: …} and their kin. */
    private static final Pattern NAMED_SECRET = Pattern.compile(
            "(?i)(\\b[\\w-]*(?:token|password|passwd|secret|api[_-]?key|signature)s?[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;}&]+");
    /** A JSON Web Token: three base64url parts, the first a JSON object ({@code eyJ} is {@code {"}). */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** GitHub's token formats (PAT, OAuth, installation, user-to-server, refresh, fine-grained PAT). */
    private static final Pattern GITHUB_TOKEN = Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");
    private static final Pattern SPACES = Pattern.compile("\\s{2,}");

    private ServiceMessage() {
    }

    /**
     * {@code said}, cleaned: {@code known} secrets in all their forms and anything shaped like a
     * credential removed, control characters turned into spaces, at most {@link #MAX_CHARS}
     * characters. Nothing said (null or blank) reads "unknown error".
     */
    public static String quote(String said, KnownSecrets known) {
        return value(said, known, NOTHING_SAID);
    }

    /**
     * A value a service gave that fleet shows (a user's name, an App's name, an account), cleaned as
     * {@link #quote} cleans a message; nothing given, or nothing left once cleaned, reads {@code absent}.
     */
    public static String value(String said, KnownSecrets known, String absent) {
        if (said == null || said.isBlank()) {
            return absent;
        }
        // Known secrets first, before any cut could leave part of one behind.
        String text = known.removeFrom(said, REMOVED);
        text = CONTROL.matcher(text).replaceAll(" ");
        text = JWT.matcher(text).replaceAll(REMOVED);
        text = GITHUB_TOKEN.matcher(text).replaceAll(REMOVED);
        text = AUTHORIZATION.matcher(text).replaceAll("$1" + REMOVED);
        text = SCHEME_CREDENTIAL.matcher(text).replaceAll("$1" + REMOVED);
        text = NAMED_SECRET.matcher(text).replaceAll("$1" + REMOVED);
        text = SPACES.matcher(text.strip()).replaceAll(" ");
        if (text.isEmpty()) {
            return absent;
        }
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "…" : text;
    }
}
