package dev.fleet.vcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.member.DataDir;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The GitHub App fleet mints tokens with: {@code git-config.json} (the original product's file;
 * other top-level keys are kept) and the App's private key {@code github-app.pem}, both 0600 in
 * the data dir. The key is stored as it was given: the file's owner-only mode protects it.
 */
public final class GitAppStore {
    /** The {@code github} entry of git-config.json. */
    public record GitHubApp(String appId, Path privateKeyPath, long installationId, Instant createdAt) {
    }

    private final Path configFile;
    private final Path keyFile;
    private final ObjectMapper mapper;

    public GitAppStore(DataDir dataDir, ObjectMapper mapper) {
        this.configFile = dataDir.root().resolve("git-config.json");
        this.keyFile = dataDir.root().resolve("github-app.pem");
        this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Optional<GitHubApp> load() throws VcsException {
        JsonNode gh = read().path("github");
        if (!gh.isObject() || !gh.hasNonNull("appId") || !gh.hasNonNull("installationId")) {
            return Optional.empty();
        }
        String keyPath = gh.path("privateKeyPath").asText(keyFile.toString());
        Instant created = null;
        try {
            created = gh.hasNonNull("createdAt") ? Instant.parse(gh.get("createdAt").asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            created = null;
        }
        return Optional.of(new GitHubApp(gh.get("appId").asText(), Path.of(keyPath), gh.get("installationId").asLong(), created));
    }

    /** The App's key, read from where setup_git_app stored it. */
    public RSAPrivateKey key(GitHubApp app) throws VcsException {
        String pem;
        try {
            pem = Files.readString(app.privateKeyPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VcsException("Failed to load GitHub App private key: cannot read " + app.privateKeyPath()
                    + " (" + e.getClass().getSimpleName() + "); run setup_git_app again");
        }
        try {
            return AppPrivateKey.parse(pem);
        } catch (VcsException e) {
            throw new VcsException("Failed to load GitHub App private key: " + e.getMessage());
        }
    }

    /** Stores the key (trimmed PEM and a newline, 0600) and the App's settings; other keys of git-config.json stay. */
    public GitHubApp save(String appId, String pem, long installationId, Instant now) throws VcsException {
        try {
            SecureFiles.writePrivate(keyFile, (pem.strip() + "\n").getBytes(StandardCharsets.UTF_8));
            ObjectNode root = read();
            if (!root.has("version")) {
                ObjectNode fresh = mapper.createObjectNode().put("version", "1.0");
                fresh.setAll(root);
                root = fresh;
            }
            ObjectNode gh = mapper.createObjectNode();
            gh.put("appId", appId);
            gh.put("privateKeyPath", keyFile.toString());
            gh.put("installationId", installationId);
            gh.put("createdAt", now.toString());
            root.set("github", gh);
            SecureFiles.writePrivate(configFile, (mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VcsException("Cannot store the GitHub App settings in " + configFile.getParent() + ": " + e.getMessage());
        }
        return new GitHubApp(appId, keyFile, installationId, now);
    }

    private ObjectNode read() throws VcsException {
        try {
            JsonNode n = mapper.readTree(Files.readAllBytes(configFile));
            if (n == null || !n.isObject()) {
                throw new VcsException(configFile + " is not a JSON object; fix or delete it, then run setup_git_app");
            }
            return (ObjectNode) n;
        } catch (NoSuchFileException e) {
            return mapper.createObjectNode();
        } catch (IOException e) {
            throw new VcsException(configFile + " cannot be read (" + e.getClass().getSimpleName()
                    + "); fix or delete it, then run setup_git_app");
        }
    }
}
