package dev.fleet.tools;

import dev.fleet.Fleet;
import dev.fleet.testing.TestHome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** An in-process fleet over a throwaway home: tools run exactly as the MCP server runs them. */
final class FleetHarness implements AutoCloseable {
    final TestHome home;
    final Fleet fleet;

    FleetHarness(Path root) throws Exception {
        this(root, Map.of());
    }

    /** With extra server settings (for example {@code FLEET_TASK_ACTIVITY_SEC}) on top of the test home's environment. */
    FleetHarness(Path root, Map<String, String> settings) throws Exception {
        this.home = new TestHome(root);
        Map<String, String> env = new LinkedHashMap<>(home.env());
        env.putAll(settings);
        this.fleet = new Fleet(env, Clock.systemUTC(), () -> { });
    }

    ToolResult call(String tool, Object... keyValues) {
        return call(fleet, tool, keyValues);
    }

    /** Runs a tool on any fleet, arguments given as name, value, name, value, … */
    static ToolResult call(Fleet fleet, String tool, Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put((String) keyValues[i], keyValues[i + 1]);
        }
        return fleet.tools().run(tool, args, ToolCall.NONE);
    }

    ToolResult registerLocal(String name, Path folder) {
        ToolResult r = call("register_member", "friendly_name", name, "member_type", "local", "work_folder", folder.toString());
        if (r.isError()) {
            throw new AssertionError("registration failed: " + r.text());
        }
        return r;
    }

    @Override
    public void close() {
        fleet.close();
    }
}
