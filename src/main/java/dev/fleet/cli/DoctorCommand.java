package dev.fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.doctor.Doctor;
import dev.fleet.doctor.Finding;
import dev.fleet.doctor.StandardChecks;
import dev.fleet.install.FleetLaunch;
import dev.fleet.mcp.McpFleetServer;
import dev.fleet.settings.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = "Check everything fleet depends on and say how to fix each problem: Java, the data "
        + "folder, the registry and its passwords, known hosts, SSH keys, the agent CLI and its login, AWS credentials, "
        + "the pricing file, Claude Code's wiring. Changes nothing. Exit code 0 only when nothing is wrong.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the findings as JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Doctor.Report report = new Doctor(StandardChecks.of(Settings.from(System.getenv()), Path.of("").toAbsolutePath(),
                FleetLaunch.current(), McpFleetServer.SERVER_NAME, Clock.systemUTC())).run();
        if (json) {
            System.out.println(json(report));
        } else {
            print(report, System.out, Terminal.stdout(System.getenv()));
        }
        return report.healthy() ? 0 : 1;
    }

    private static String json(Doctor.Report report) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("healthy", report.healthy());
        root.put("problems", report.problems());
        ArrayNode findings = root.putArray("findings");
        report.findings().forEach((check, list) -> list.forEach(f -> {
            ObjectNode n = findings.addObject();
            n.put("check", check);
            n.put("status", f.status().label());
            n.put("subject", f.subject());
            n.put("fix", f.fix());
        }));
        return mapper.writeValueAsString(root);
    }

    private static void print(Doctor.Report report, PrintStream out, Terminal term) {
        int width = report.findings().keySet().stream().mapToInt(String::length).max().orElse(8);
        for (Map.Entry<String, List<Finding>> e : report.findings().entrySet()) {
            for (Finding f : e.getValue()) {
                String status = switch (f.status()) {
                    case OK -> term.green("ok     ");
                    case NOTE -> term.dim("note   ");
                    case PROBLEM -> term.red("PROBLEM");
                };
                out.println(String.format("%-" + width + "s  ", e.getKey()) + status + "  " + f.subject());
                if (f.fix() != null) {
                    out.println(" ".repeat(width + 11) + "fix: " + term.bold(f.fix()));
                }
            }
        }
        out.println();
        out.println(report.healthy() ? "Nothing is wrong." : report.problems() + " problem" + (report.problems() == 1 ? "" : "s")
                + " found; each says how to fix it.");
    }
}
