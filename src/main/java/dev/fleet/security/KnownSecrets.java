package dev.fleet.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets a request to a service carried, in every form the service may quote them back: as
 * given, base64 (standard and URL-safe, with and without padding), URL-encoded, and for a login the
 * base64 of {@code user:secret} that HTTP Basic sends. Literal redaction of the tool's arguments
 * catches only the first of these.
 */
public final class KnownSecrets {
    /** Shorter values are not removed: every such run of letters in a message would go (the same rule as result redaction). */
    static final int MIN_LENGTH = 4;
    private static final KnownSecrets NONE = new KnownSecrets(List.of());

    /** Longest first, so a form that contains another is removed whole. */
    private final List<String> forms;

    private KnownSecrets(List<String> forms) {
        this.forms = forms;
    }

    public static KnownSecrets none() {
        return NONE;
    }

    public static KnownSecrets of(String... secrets) {
        KnownSecrets known = NONE;
        for (String s : secrets) {
            known = known.with(s);
        }
        return known;
    }

    /**
     * The secrets in an HTTP {@code Authorization} header value: a Basic credential's encoded
     * text, its {@code user:secret} and its secret; a Bearer (or any other scheme's) credential.
     */
    public static KnownSecrets ofAuthorization(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return NONE;
        }
        String value = headerValue.strip();
        int space = value.indexOf(' ');
        String credential = space < 0 ? value : value.substring(space + 1).strip();
        KnownSecrets known = NONE.with(credential);
        if (space > 0 && value.substring(0, space).equalsIgnoreCase("Basic")) {
            try {
                String login = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
                int colon = login.indexOf(':');
                known = colon < 0 ? known.with(login) : known.withLogin(login.substring(0, colon), login.substring(colon + 1));
            } catch (IllegalArgumentException notBase64) {
                // The encoded text itself is already known; there is nothing more to decode.
            }
        }
        return known;
    }

    public KnownSecrets with(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return this;
        }
        List<String> added = new ArrayList<>(List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8)));
        added.addAll(encodings(secret));
        return adding(added);
    }

    /** A secret sent with a user name as HTTP Basic does: also {@code user:secret}, in each of its encodings. */
    public KnownSecrets withLogin(String user, String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return this;
        }
        String login = (user == null ? "" : user) + ":" + secret;
        List<String> added = new ArrayList<>(List.of(login));
        added.addAll(encodings(login));
        return with(secret).adding(added);
    }

    private static List<String> encodings(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        String padded = Base64.getEncoder().encodeToString(bytes);
        String urlSafe = Base64.getUrlEncoder().encodeToString(bytes);
        return List.of(padded, strip(padded), urlSafe, strip(urlSafe));
    }

    private static String strip(String padded) {
        int end = padded.length();
        while (end > 0 && padded.charAt(end - 1) == '=') {
            end--;
        }
        return padded.substring(0, end);
    }

    private KnownSecrets adding(List<String> added) {
        Set<String> all = new LinkedHashSet<>(forms);
        added.stream().filter(f -> f.length() >= MIN_LENGTH).forEach(all::add);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new KnownSecrets(List.copyOf(sorted));
    }

    /** {@code text} with every known form replaced by {@code replacement}. */
    public String removeFrom(String text, String replacement) {
        String out = text;
        for (String form : forms) {
            out = out.replace(form, replacement);
        }
        return out;
    }

    /** Never the secrets: this object may end up in a log line. */
    @Override
    public String toString() {
        return "KnownSecrets[" + forms.size() + " forms]";
    }
}
