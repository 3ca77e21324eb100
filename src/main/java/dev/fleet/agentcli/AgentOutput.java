package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.MemberRules;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what {@code claude -p --output-format json} printed and classifies failures. */
public final class AgentOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESET_EPOCH = Pattern.compile("limit reached\\|(\\d{10})");
    private static final Pattern RESET_TEXT = Pattern.compile("(?i)resets?\\s+(?:at\\s+)?([^.\\n\"]{1,40})");
    private static final int MAX_SHOWN = 2000;

    private AgentOutput() {
    }

    public static PromptOutcome parse(CommandResult r, long timeoutMs) {
        if (r.timedOut()) {
            return new PromptOutcome.TimedOut(timeoutMs);
        }
        JsonNode json = lastJsonObject(fullStdout(r));
        if (json != null && r.exitCode() != null && r.exitCode() == 0 && !json.path("is_error").asBoolean(false)
                && json.has("result")) {
            String session = json.path("session_id").asText(null);
            JsonNode usage = json.path("usage");
            return new PromptOutcome.Answered(
                    json.path("result").asText(""),
                    MemberRules.isValidSessionId(session) ? session : null,
                    usage.has("input_tokens") ? usage.get("input_tokens").asLong()
                            + usage.path("cache_read_input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0) : null,
                    usage.has("output_tokens") ? usage.get("output_tokens").asLong() : null,
                    json.has("total_cost_usd") ? json.get("total_cost_usd").asDouble()
                            : json.has("cost_usd") ? json.get("cost_usd").asDouble() : null,
                    json.has("num_turns") ? json.get("num_turns").asInt() : null);
        }
        String detail = (json != null && json.has("result") ? json.get("result").asText() + "\n" : "")
                + r.stdout() + "\n" + r.stderr();
        return classify(r.exitCode(), detail.strip());
    }

    /** A long answer overflows the inline cap; its JSON is then read back from the spill file. */
    private static String fullStdout(CommandResult r) {
        if (r.stdoutFullPath() == null) {
            return r.stdout();
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(r.stdoutFullPath()));
        } catch (java.io.IOException e) {
            return r.stdout();
        }
    }

    static PromptOutcome classify(Integer exitCode, String output) {
        String o = output.toLowerCase(Locale.ROOT);
        String shown = trim(output);
        if (o.contains("no conversation found") || (o.contains("session") && o.contains("not found"))) {
            return new PromptOutcome.SessionNotFound(shown);
        }
        if (o.contains("invalid api key") || o.contains("/login") || o.contains("authentication_error")
                || o.contains("not logged in") || o.contains("oauth token has expired") || o.contains("401")
                || o.contains("credit balance is too low")) {
            return new PromptOutcome.AuthFailed(shown);
        }
        if (o.contains("usage limit") || o.contains("rate_limit") || o.contains("rate limit") || o.contains("429")
                || o.contains("limit reached")) {
            return new PromptOutcome.RateLimited(shown, resetTime(output));
        }
        if (o.contains("overloaded") || o.contains("529") || Pattern.compile("api error: 5\\d\\d").matcher(o).find()
                || o.contains("internal server error") || o.contains("service unavailable")) {
            return new PromptOutcome.Overloaded(shown);
        }
        return new PromptOutcome.Failed(exitCode, shown);
    }

    static String resetTime(String output) {
        Matcher epoch = RESET_EPOCH.matcher(output);
        if (epoch.find()) {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochSecond(Long.parseLong(epoch.group(1))));
        }
        Matcher text = RESET_TEXT.matcher(output);
        return text.find() ? text.group(1).strip() : null;
    }

    /** The CLI may print warnings before its JSON; the result is the last JSON object line. */
    private static JsonNode lastJsonObject(String stdout) {
        String[] lines = stdout.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{")) {
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node.isObject()) {
                        return node;
                    }
                } catch (Exception ignored) {
                    // not JSON; keep looking
                }
            }
        }
        try {
            JsonNode whole = JSON.readTree(stdout);
            return whole != null && whole.isObject() ? whole : null;
        } catch (Exception e) {
            return null;
        }
    }

    static String trim(String s) {
        String t = s.strip();
        return t.length() <= MAX_SHOWN ? t : "…" + t.substring(t.length() - MAX_SHOWN);
    }
}
