package dev.fleet.doctor;

import dev.fleet.exec.ssh.CryptoProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;

/** Fleet's own known_hosts: every line readable, and nobody else able to add a host key to it. */
public final class KnownHostsCheck implements Check {
    private final Path file;

    public KnownHostsCheck(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "known hosts";
    }

    @Override
    public List<Finding> run() {
        if (!Files.exists(file)) {
            return List.of(Finding.note("no host keys recorded yet (" + file + "); the first connection to each host records its key"));
        }
        List<Finding> found = new ArrayList<>();
        try {
            Optional<String> open = FileModes.writableByOthers(file);
            if (open.isPresent()) {
                found.add(Finding.problem(file + " can be changed by other users (" + open.get() + "), who could make fleet "
                        + "trust their machine", "chmod 600 " + file));
            }
            List<String> lines = Files.readAllLines(file);
            // Reading a key is MINA's first use of its providers when the doctor runs before any connection.
            CryptoProviders.install();
            int entries = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(line);
                    if (entry == null || entry.getKeyEntry() == null) {
                        throw new IllegalArgumentException("no key");
                    }
                    entry.getKeyEntry().resolvePublicKey(null, null, null);
                    entries++;
                } catch (Exception e) {
                    found.add(Finding.problem(file + " line " + (i + 1) + " is not a host key line",
                            "delete that line (the host's key is recorded again on the next connection)"));
                }
            }
            if (found.isEmpty()) {
                found.add(Finding.ok(entries + " host key" + (entries == 1 ? "" : "s") + " recorded in " + file));
            }
        } catch (IOException e) {
            found.add(Finding.problem("cannot read " + file + ": " + e.getMessage(), "check the file's owner and permissions"));
        }
        return found;
    }
}
