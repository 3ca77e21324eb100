package dev.fleet.importer;

import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Brings members over from a registry the original TypeScript apra-fleet wrote: the same JSON
 * layout, but passwords sealed with the original's key. Each such password is opened with the
 * original's key derivation and sealed again with fleet's {@link SecretBox}.
 *
 * <p>All or nothing: every member is checked first (secrets open, no name or folder clashes with
 * members fleet already has), and only then is fleet's registry changed, in one locked, atomic
 * update that checks the clashes again. Any problem and nothing is written. The source may be
 * fleet's own registry (both products default to the same data folder): its members then stay
 * and only their passwords are sealed again.
 */
public final class RegistryImport {
    private final RegistryStore target;
    private final DataDir targetDir;
    private final RegistryCodec codec;
    private final SecretBox secrets;

    public RegistryImport(RegistryStore target, DataDir targetDir, RegistryCodec codec, SecretBox secrets) {
        this.target = target;
        this.targetDir = targetDir;
        this.codec = codec;
        this.secrets = secrets;
    }

    public enum Action { ADD, RESEAL, ALREADY_THERE }

    /** One member and what the import does with it. */
    public record Item(String name, String id, Action action, String detail) {
    }

    /** The import as planned (or done): items, and the problems that stop it (none when it can run). */
    public record Plan(Path source, boolean inPlace, List<Item> items, List<String> problems) {
        public Plan {
            items = List.copyOf(items);
            problems = List.copyOf(problems);
        }

        public boolean changesSomething() {
            return items.stream().anyMatch(i -> i.action() != Action.ALREADY_THERE);
        }
    }

    /** Why nothing was imported; the message lists every problem and never quotes a secret. */
    public static final class ImportException extends Exception {
        public ImportException(String message) {
            super(message);
        }
    }

    /**
     * Checks everything and says what an import would do; writes nothing.
     *
     * @param path     the original's data folder, or its registry.json
     * @param hostName the host name the original ran on (its key depends on it)
     * @param userName the account it ran as
     */
    public Plan plan(Path path, String hostName, String userName) throws ImportException {
        return prepare(path, hostName, userName).plan;
    }

    /** Imports, or throws {@link ImportException} having written nothing. */
    public Plan apply(Path path, String hostName, String userName) throws ImportException {
        Prepared p = prepare(path, hostName, userName);
        if (!p.plan.problems().isEmpty()) {
            throw new ImportException(p.plan.problems().size() + " problem" + (p.plan.problems().size() == 1 ? "" : "s")
                    + "; nothing was imported:\n  - " + String.join("\n  - ", p.plan.problems()));
        }
        if (!p.plan.changesSomething()) {
            return p.plan;
        }
        // Sealing with fleet's key happens only now that the import will go ahead.
        Map<String, String> sealed = new LinkedHashMap<>();
        try {
            targetDir.ensureExists();
            p.plaintexts.forEach((id, plain) -> sealed.put(id, secrets.encrypt(plain)));
        } catch (RuntimeException e) {
            throw new ImportException("cannot seal the passwords with fleet's key; nothing was imported: " + e.getMessage());
        }
        try {
            target.update(current -> merge(current, p, sealed));
        } catch (Clash e) {
            throw new ImportException("fleet's registry changed while importing; nothing was imported: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ImportException("cannot write fleet's registry; nothing was imported: " + e.getMessage());
        }
        return p.plan;
    }

    private record Prepared(Plan plan, List<Member> members, Map<String, String> plaintexts) {
    }

    private Prepared prepare(Path path, String hostName, String userName) throws ImportException {
        Path registryFile = Files.isDirectory(path) ? path.resolve("registry.json") : path;
        Path saltFile = registryFile.resolveSibling("salt");
        Registry source;
        try {
            source = codec.parse(SourceFiles.read(registryFile, SourceFiles.MAX_REGISTRY_BYTES));
        } catch (NoSuchFileException e) {
            throw new ImportException("no registry at " + registryFile + " (give the original's data folder, by default ~/.apra-fleet/data)");
        } catch (IOException e) {
            throw new ImportException("cannot read " + registryFile + ": " + e.getMessage());
        }
        boolean inPlace = sameFile(registryFile, targetDir.registryFile());
        Registry current;
        try {
            current = target.read();
        } catch (RuntimeException e) {
            throw new ImportException(e.getMessage());
        }
        OriginalSecrets original = null;
        List<String> problems = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        Map<String, String> plaintexts = new LinkedHashMap<>();
        List<Member> members = source.members();
        for (int index = 0; index < members.size(); index++) {
            Member m = members.get(index);
            String secret = m.encryptedPassword();
            boolean needsReseal = OriginalSecrets.isSealedByOriginal(secret);
            if (needsReseal) {
                if (original == null) {
                    original = originalKey(saltFile, hostName, userName, problems);
                }
                if (original != null) {
                    try {
                        plaintexts.put(m.id(), original.open(secret));
                    } catch (OriginalSecrets.UnsealException e) {
                        problems.add(SourceMembers.shown(m.friendlyName()) + ": its password " + e.getMessage() + " (host name \"" + hostName
                                + "\", user \"" + userName + "\"); import on the machine and account that wrote it, or give "
                                + "--host-name and --user-name");
                    }
                }
            } else if (secret != null && !opensWithFleet(secret)) {
                problems.add(SourceMembers.shown(m.friendlyName()) + ": its password is sealed in a way neither fleet nor the original can open "
                        + "here; set it again after the import with update_member, or remove it from the file");
            }
            if (inPlace) {
                // Already fleet's members: only their passwords change, so they are not held to the rules below.
                items.add(new Item(SourceMembers.shown(m.friendlyName()), m.id(), needsReseal ? Action.RESEAL : Action.ALREADY_THERE,
                        needsReseal ? "password sealed again with fleet's key" : "already in fleet's registry"));
                continue;
            }
            Member existing = m.id() == null ? null : current.byId(m.id()).orElse(null);
            if (existing != null) {
                items.add(new Item(SourceMembers.shown(m.friendlyName()), m.id(), Action.ALREADY_THERE,
                        "already in fleet's registry (same id); left as it is"));
                continue;
            }
            List<String> broken = SourceMembers.problems(index, m);
            if (!broken.isEmpty()) {
                problems.addAll(broken);
                continue;
            }
            String clash = clash(current, m);
            if (clash != null) {
                problems.add(clash);
            }
            items.add(new Item(m.friendlyName(), m.id(), Action.ADD, describe(m)
                    + (needsReseal ? "; password sealed again with fleet's key" : "")));
        }
        List<String> namesSeen = new ArrayList<>();
        List<String> idsSeen = new ArrayList<>();
        for (Member m : source.members()) {
            if (m.friendlyName() != null && namesSeen.contains(m.friendlyName())) {
                problems.add("the source holds two members named " + SourceMembers.shown(m.friendlyName())
                        + "; rename one in the file first");
            }
            namesSeen.add(m.friendlyName());
            if (m.id() != null && idsSeen.contains(m.id())) {
                problems.add("the source holds two members with the id " + SourceMembers.shown(m.id())
                        + "; each member needs an id of its own");
            }
            idsSeen.add(m.id());
        }
        return new Prepared(new Plan(registryFile, inPlace, items, problems), source.members(), plaintexts);
    }

    private Registry merge(Registry current, Prepared p, Map<String, String> sealed) {
        Registry next = current;
        for (Member m : p.members) {
            Item item = p.plan.items().stream().filter(i -> Objects.equals(i.id(), m.id())).findFirst().orElseThrow();
            String newSecret = sealed.get(m.id());
            if (item.action() == Action.RESEAL) {
                Member now = current.byId(m.id()).orElseThrow(() -> new Clash(m.friendlyName() + " was removed meanwhile"));
                if (!Objects.equals(now.encryptedPassword(), m.encryptedPassword())) {
                    throw new Clash("the password of " + m.friendlyName() + " was changed meanwhile");
                }
                next = next.replacing(m.id(), x -> x.toBuilder().encryptedPassword(newSecret).build());
            } else if (item.action() == Action.ADD) {
                if (next.byId(m.id()).isPresent()) {
                    continue;
                }
                String clash = clash(next, m);
                if (clash != null) {
                    throw new Clash(clash);
                }
                next = next.with(newSecret == null ? m : m.toBuilder().encryptedPassword(newSecret).build());
            }
        }
        return next;
    }

    private static String clash(Registry fleet, Member m) {
        if (fleet.byName(m.friendlyName()).isPresent()) {
            return m.friendlyName() + ": fleet already has a member of that name; rename one of them first "
                    + "(update_member friendly_name=...)";
        }
        for (Member other : fleet.members()) {
            if (other.deviceKey().equals(m.deviceKey()) && Objects.equals(other.workFolder(), m.workFolder())) {
                return m.friendlyName() + ": fleet's member " + other.friendlyName() + " already works in " + m.workFolder()
                        + " on the same machine";
            }
        }
        return null;
    }

    private static String describe(Member m) {
        String where = m.isLocal() ? "local, " + m.workFolder()
                : (m.isCloud() ? "cloud " + m.cloud().instanceId() + " in " + m.cloud().region() + ", " : "remote, ")
                + m.username() + "@" + m.host() + (m.port() == null ? "" : ":" + m.port()) + ", " + m.workFolder();
        return "new member (" + where + (m.authType() == null ? "" : ", " + m.authType().json() + " auth") + ")";
    }

    private boolean opensWithFleet(String secret) {
        try {
            secrets.decrypt(secret);
            return true;
        } catch (RuntimeException e) {
            // Not fleet's, or damaged: either way it does not open.
            return false;
        }
    }

    private static OriginalSecrets originalKey(Path saltFile, String hostName, String userName, List<String> problems) {
        try {
            String salt = new String(SourceFiles.read(saltFile, SourceFiles.MAX_SALT_BYTES), StandardCharsets.UTF_8).strip();
            if (salt.isEmpty()) {
                problems.add(saltFile + " is empty; the original's passwords cannot be opened without it");
                return null;
            }
            return new OriginalSecrets(salt, hostName, userName);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException ? e.getClass().getSimpleName() : e.getMessage();
            problems.add("cannot read " + saltFile + " (" + why + "); the original's passwords cannot be opened without the salt file beside its registry");
            return null;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The registry changed under the import in a way that would lose or clash data. */
    private static final class Clash extends RuntimeException {
        Clash(String message) {
            super(message);
        }
    }
}
