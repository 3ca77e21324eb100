package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skill fleet installs names tools and parameters; every one of them must exist in the
 * server's tools/list, or Claude would call something that is not there.
 *
 * <p>Conventions the skill follows: a call is written {@code tool(param=value, ...)}; a name in
 * backticks that contains an underscore is a tool or a parameter name.
 */
class SkillReferencesIT {
    private static final Pattern CALL = Pattern.compile("\\b([a-z]+(?:_[a-z0-9]+)+)\\(");
    private static final Pattern ARGUMENT = Pattern.compile("(?:^|[\\s,(])([a-z][a-z0-9_]*)=");
    private static final Pattern BACKTICKED = Pattern.compile("`([a-z]+(?:_[a-z0-9]+)+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#]+\\.md)");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");

    @TempDir
    Path tmp;

    @Test
    void everyToolAndParameterTheSkillNamesExists() throws Exception {
        Map<String, Set<String>> tools = new LinkedHashMap<>();
        try (FleetServer server = new FleetServer(new TestHome(tmp).env())) {
            for (McpSchema.Tool t : server.client().listTools().tools()) {
                Object props = t.inputSchema().get("properties");
                Set<String> names = new TreeSet<>();
                if (props instanceof Map<?, ?> m) {
                    m.keySet().forEach(k -> names.add(String.valueOf(k)));
                }
                tools.put(t.name(), names);
            }
        }
        Set<String> allParams = new TreeSet<>();
        tools.values().forEach(allParams::addAll);

        Set<String> unknownTools = new TreeSet<>();
        List<String> unknownParams = new ArrayList<>();
        Set<String> mentioned = new TreeSet<>();
        for (Map.Entry<String, byte[]> file : SkillBundle.files().entrySet()) {
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            Matcher call = CALL.matcher(text);
            while (call.find()) {
                String tool = call.group(1);
                mentioned.add(tool);
                if (!tools.containsKey(tool)) {
                    unknownTools.add(tool);
                    continue;
                }
                Matcher arg = ARGUMENT.matcher(QUOTED.matcher(arguments(text, call.end())).replaceAll("\"\""));
                while (arg.find()) {
                    if (!tools.get(tool).contains(arg.group(1))) {
                        unknownParams.add(file.getKey() + ": " + tool + "(" + arg.group(1) + "=...)");
                    }
                }
            }
            Matcher name = BACKTICKED.matcher(text);
            while (name.find()) {
                String n = name.group(1);
                if (tools.containsKey(n)) {
                    mentioned.add(n);
                } else if (!allParams.contains(n)) {
                    unknownTools.add(n);
                }
            }
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                assertThat(SkillBundle.FILES).as(file.getKey() + " links to " + link.group(1)).contains(link.group(1));
            }
        }
        assertThat(unknownParams).as("parameters the skill passes that the tool does not take").isEmpty();
        assertThat(unknownTools).as("names in the skill that are neither a tool nor a parameter in tools/list: "
                + unknownTools).isEmpty();
        // The skill covers every tool the server offers.
        assertThat(mentioned).containsAll(tools.keySet());
    }

    /** The text between the call's opening parenthesis and its matching close. */
    private static String arguments(String text, int start) {
        int depth = 1;
        int i = start;
        while (i < text.length() && depth > 0) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            i++;
        }
        return text.substring(start, Math.max(start, i - 1));
    }
}
