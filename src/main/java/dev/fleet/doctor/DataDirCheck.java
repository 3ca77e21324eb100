package dev.fleet.doctor;

import dev.fleet.member.DataDir;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Fleet's data folder: there, writable, and private to the user, as are the secrets in it. */
public final class DataDirCheck implements Check {
    private final DataDir dataDir;

    public DataDirCheck(DataDir dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public String name() {
        return "data folder";
    }

    @Override
    public List<Finding> run() {
        Path root = dataDir.root();
        if (!Files.exists(root)) {
            return List.of(Finding.note(root + " does not exist yet; fleet creates it (private, 0700) on first use"));
        }
        if (!Files.isDirectory(root)) {
            return List.of(Finding.problem(root + " is not a folder", "move it aside, or set APRA_FLEET_DATA_DIR to another folder"));
        }
        List<Finding> found = new ArrayList<>();
        try {
            try {
                SecureFiles.requireUnshared(root);
            } catch (SecureFiles.SharedFolder shared) {
                // Refused by every entry point until mended: say so, with the same reason they give.
                return List.of(Finding.problem(root + ": fleet will not use it: " + shared.getReason(), "chmod 700 " + root
                        + " once you have checked what is in it, or set APRA_FLEET_DATA_DIR to a folder of yours"));
            }
            Optional<String> open = FileModes.openToOthers(root);
            if (open.isPresent()) {
                found.add(Finding.problem(root + " is open to other users (" + open.get() + ")", "chmod 700 " + root));
            }
            if (!Files.isWritable(root)) {
                found.add(Finding.problem(root + " is not writable by you", "give it back to your user: chmod u+rwx " + root));
            }
            for (Path secret : List.of(dataDir.registryFile(), dataDir.saltFile())) {
                if (Files.exists(secret)) {
                    Optional<String> leaky = FileModes.openToOthers(secret);
                    if (leaky.isPresent()) {
                        found.add(Finding.problem(secret + " is readable by other users (" + leaky.get() + ")", "chmod 600 " + secret));
                    }
                }
            }
            if (Files.isDirectory(dataDir.keysDir())) {
                Optional<String> keys = FileModes.openToOthers(dataDir.keysDir());
                if (keys.isPresent()) {
                    found.add(Finding.problem(dataDir.keysDir() + " is open to other users (" + keys.get() + ")",
                            "chmod 700 " + dataDir.keysDir()));
                }
            }
        } catch (IOException e) {
            found.add(Finding.problem("cannot read the permissions of " + root + ": " + e.getMessage(), "check the folder's owner"));
        }
        if (found.isEmpty()) {
            found.add(Finding.ok(root + " is private to you and writable"));
        }
        return found;
    }
}
