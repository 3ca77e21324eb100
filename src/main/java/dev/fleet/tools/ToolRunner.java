package dev.fleet.tools;

import dev.fleet.base.Quoted;
import dev.fleet.base.Failures;
import dev.fleet.base.InvalidRequest;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.OutputListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tools by name for every front end (MCP and command line). This is the one place where
 * failures become error results: invalid input names the parameter, a {@link RequestRefused}
 * (from a tool or a service) keeps its message, anything unexpected is reported without its internals, and every secret
 * passed in the call, or held for the member it is about, is redacted from whatever goes back (text and
 * structured data). It is also the one place where notes that
 * concern every result about a member ({@link ResultNotes}: a budget nearly spent) are added.
 */
public final class ToolRunner {
    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);

    /** A name callers may call: a tool's own, or another name for the same tool. */
    public record Listing(String name, String description, Tool tool) {
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    /** Every callable name: the tools' own and their other names. */
    private final Map<String, Tool> byName = new LinkedHashMap<>();
    private final List<Listing> listings = new ArrayList<>();
    private final ResultNotes notes;
    private final HeldSecrets known;

    /** Warnings every successful result about a member carries (its budget nearly spent), from the call's input. */
    public interface ResultNotes {
        ResultNotes NONE = input -> List.of();

        List<String> about(ToolInput input);
    }

    /**
     * Secrets fleet holds for the member a call is about (its stored password and API key, the git
     * credentials this server put there): starred out of the answer like the call's own, since a
     * member can print them (an agent echoing its key, {@code git credential fill}).
     */
    public interface HeldSecrets {
        HeldSecrets NONE = input -> List.of();

        List<String> of(ToolInput input);
    }

    public ToolRunner(List<Tool> tools) {
        this(tools, Map.of(), ResultNotes.NONE, HeldSecrets.NONE);
    }

    /**
     * @param aliases other names (key) for tools (value: the tool's own name). The original product's
     *                later releases renamed some tools; a PM prompt written for either name keeps working,
     *                and both names reach the one tool.
     * @param notes   warnings added to every successful result about a member
     * @param known   secrets held for the member a call is about, redacted like the call's own
     */
    public ToolRunner(List<Tool> tools, Map<String, String> aliases, ResultNotes notes, HeldSecrets known) {
        this.notes = notes;
        this.known = known;
        for (Tool t : tools) {
            this.tools.put(t.name(), t);
            byName.put(t.name(), t);
        }
        Map<String, List<String>> othersOf = new LinkedHashMap<>();
        new TreeMap<>(aliases).forEach((alias, name) -> {
            if (!this.tools.containsKey(name) || this.tools.containsKey(alias)) {
                throw new IllegalArgumentException("alias " + alias + " -> " + name + ": no such tool, or the name is taken");
            }
            byName.put(alias, this.tools.get(name));
            othersOf.computeIfAbsent(name, k -> new ArrayList<>()).add(alias);
        });
        for (Tool t : tools) {
            listings.add(new Listing(t.name(), t.description(), t));
            for (String alias : othersOf.getOrDefault(t.name(), List.of())) {
                listings.add(new Listing(alias, t.description() + " (Same tool as " + t.name() + ".)", t));
            }
        }
    }

    /** The tools, each once. */
    public List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    /** Every name a caller may use, an alias right after its tool: what a front end lists. */
    public List<Listing> listings() {
        return List.copyOf(listings);
    }

    public ToolResult run(String name, Map<String, Object> arguments, ToolCall call) {
        Tool tool = byName.get(name);
        if (tool == null) {
            return ToolResult.error("Unknown tool " + Quoted.value(name) + ". Tools: " + String.join(", ", byName.keySet()));
        }
        ToolInput input;
        try {
            input = tool.params().parse(arguments).forTool(name);
        } catch (InvalidRequest e) {
            return ToolResult.error(e.getMessage());
        }
        // Held before the call as well as after it: a call that forgets the member (remove_member)
        // may quote what the member printed on the way out, its key among it.
        List<String> heldBefore = held(input);
        try {
            ToolResult result = tool.call(input, redacting(call, input, heldBefore));
            return redact(withNotes(result, input), input, heldBefore);
        } catch (RequestRefused e) {
            return redact(ToolResult.error(e.getMessage()), input, heldBefore);
        } catch (ChannelException e) {
            // The member could not be reached or the channel broke: expected, and the message says why.
            return redact(ToolResult.error(e.getMessage()), input, heldBefore);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.error(name + " was interrupted");
        } catch (Exception e) {
            // Unexpected: log the types and where they were thrown for maintainers, never a message
            // (messages can quote input, a secret among it).
            log.error("{} failed unexpectedly: {}", name, Failures.withoutMessages(e));
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return redact(ToolResult.error(name + " failed: " + detail), input, heldBefore);
        } finally {
            // Work the call entered (see MemberTarget.work) leaves the ledger, whatever the outcome.
            input.end();
        }
    }

    private ToolResult withNotes(ToolResult result, ToolInput input) {
        List<String> extra;
        try {
            extra = notes.about(input).stream().filter(n -> !result.text().contains(n)).toList();
        } catch (RuntimeException e) {
            return result; // a note must never cost the result
        }
        if (extra.isEmpty()) {
            return result;
        }
        StringBuilder text = new StringBuilder(result.text());
        extra.forEach(n -> text.append("\nWarning: ").append(n));
        Object structured = result.structured();
        if (structured instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map);
            copy.put("budgetWarnings", extra);
            structured = copy;
        }
        return new ToolResult(text.toString(), structured, result.isError(), result.outputFiles());
    }

    /**
     * The call's own secrets and those fleet holds for the member it is about, before the call
     * ({@code heldBefore}) and now, starred out of the answer.
     */
    private ToolResult redact(ToolResult result, ToolInput input, List<String> heldBefore) {
        // Read again after the call: it may have stored a secret on the way (register_member, provision_auth).
        List<String> held = new ArrayList<>(heldBefore);
        held.addAll(held(input));
        return redaction(input, held).apply(result);
    }

    private static Redaction redaction(ToolInput input, List<String> held) {
        List<String> all = new ArrayList<>(input.secrets());
        all.addAll(held);
        return Redaction.of(all);
    }

    private List<String> held(ToolInput input) {
        try {
            return known.of(input);
        } catch (RuntimeException e) {
            // The call's own secrets are still starred; a member's stored ones could not be read now.
            log.warn("secrets held for the member of a {} call could not be read: {}", input.tool(), e.getClass().getSimpleName());
            return List.of();
        }
    }

    /**
     * Progress goes to the client while the call runs (a command's newest output lines): it is
     * redacted like the answer. A terminal's live output ({@code fleet exec}) is the user's own
     * screen, as an SSH session of theirs would be, and is passed on as it comes.
     */
    private ToolCall redacting(ToolCall call, ToolInput input, List<String> heldBefore) {
        if (!call.wanted()) {
            return call;
        }
        Redaction redaction = redaction(input, heldBefore);
        return new ToolCall() {
            @Override
            public void progress(double done, Double total, String message) {
                call.progress(done, total, redaction.tail(message));
            }

            @Override
            public boolean wanted() {
                return true;
            }

            @Override
            public OutputListener liveOutput() {
                return call.liveOutput();
            }
        };
    }
}
