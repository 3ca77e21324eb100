package dev.fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.importer.OriginalMachine;
import dev.fleet.importer.RegistryImport;
import dev.fleet.member.DataDir;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import dev.fleet.settings.Settings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import-registry", description = {
        "Bring members over from a registry the original apra-fleet wrote, sealing their passwords again with fleet's key.",
        "PATH is the original's data folder (or its registry.json); by default fleet's own data folder, which is also the "
                + "original's default, so an existing setup is converted in place. Nothing is written if any member fails."})
final class ImportRegistryCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "The original's data folder or registry.json.")
    Path path;

    @Option(names = "--dry-run", description = "Check everything and list what would change; write nothing.")
    boolean dryRun;

    @Option(names = "--host-name", paramLabel = "NAME",
            description = "The host name of the machine the original ran on (default: this machine's).")
    String hostName;

    @Option(names = "--user-name", paramLabel = "NAME", description = "The account the original ran as (default: yours).")
    String userName;

    @Override
    public Integer call() {
        DataDir data = new DataDir(Settings.from(System.getenv()).dataDir());
        Path source = path != null ? path.toAbsolutePath().normalize() : data.root();
        RegistryImport importer = new RegistryImport(new RegistryStore(data, new RegistryCodec(new ObjectMapper())),
                data, new RegistryCodec(new ObjectMapper()),
                new SecretBox(data.saltFile()));
        String host = hostName != null ? hostName : OriginalMachine.hostName();
        String user = userName != null ? userName : OriginalMachine.userName();
        RegistryImport.Plan plan;
        try {
            plan = dryRun ? importer.plan(source, host, user) : importer.apply(source, host, user);
        } catch (RegistryImport.ImportException e) {
            System.err.println("fleet import-registry: " + e.getMessage());
            return 1;
        }
        System.out.println((dryRun ? "Would import from " : "Imported from ") + plan.source()
                + (plan.inPlace() ? " (fleet's own registry: members stay, passwords are sealed again)" : "") + ":");
        for (RegistryImport.Item item : plan.items()) {
            String verb = switch (item.action()) {
                case ADD -> dryRun ? "would add" : "added";
                case RESEAL -> dryRun ? "would update" : "updated";
                case ALREADY_THERE -> "unchanged";
            };
            System.out.println("  " + item.name() + ": " + verb + " - " + item.detail());
        }
        if (plan.items().isEmpty()) {
            System.out.println("  (no members in that registry)");
        }
        if (!plan.problems().isEmpty()) {
            System.out.println(plan.problems().size() + " problem" + (plan.problems().size() == 1 ? "" : "s")
                    + " would stop the import:");
            plan.problems().forEach(p -> System.out.println("  - " + p));
            return 1;
        }
        if (!dryRun && plan.changesSomething()) {
            System.out.println("Check them with: fleet status");
        }
        return 0;
    }
}
