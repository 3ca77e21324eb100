package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.os.LocalShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginEnvironmentTest {
    @TempDir
    Path home;

    @Test
    void theLoginShellsOutputIsReadAsNulSeparatedAssignments() {
        assertThat(LoginEnvironment.parse("A=1\0B=x=y\0\0")).containsEntry("A", "1").containsEntry("B", "x=y");
    }

    private LoginEnvironment login() {
        return new LoginEnvironment(Map.of("HOME", home.toString(), "USER", "tester", "SHELL", "/bin/bash"), home);
    }

    private void writeProfile(String name, String content, int secondsAhead) throws Exception {
        Path f = home.resolve(name);
        Files.writeString(f, content);
        // An explicit, distinct time: the test must not depend on the file system's clock granularity.
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void theCapturedEnvironmentIsReusedWhileNoProfileChanges() throws Exception {
        writeProfile(".profile", "export FLEET_PROFILE_MARK=one\n", 10);
        LoginEnvironment env = login();
        Map<String, String> first = env.get();
        assertThat(first).containsEntry("FLEET_PROFILE_MARK", "one");
        assertThat(env.get()).isSameAs(first);
    }

    @Test
    void anEditedProfileIsReadAgainByTheNextCommand() throws Exception {
        writeProfile(".profile", "export FLEET_PROFILE_MARK=one\n", 10);
        LoginEnvironment env = login();
        assertThat(env.get()).containsEntry("FLEET_PROFILE_MARK", "one");
        writeProfile(".profile", "export FLEET_PROFILE_MARK=two\n", 20);
        assertThat(env.get()).containsEntry("FLEET_PROFILE_MARK", "two");
    }

    @Test
    void aProfileCreatedAfterTheCaptureCountsAsAChange() throws Exception {
        writeProfile(".profile", "[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\n", 10);
        LoginEnvironment env = login();
        assertThat(env.get()).doesNotContainKey("FLEET_RC_MARK");
        writeProfile(".bashrc", "export FLEET_RC_MARK=new\n", 20);
        assertThat(env.get()).containsEntry("FLEET_RC_MARK", "new");
    }

    @Test
    void aProfileRemovedAfterTheCaptureCountsAsAChange() throws Exception {
        writeProfile(".profile", "export FLEET_PROFILE_MARK=one\n", 10);
        LoginEnvironment env = login();
        assertThat(env.get()).containsEntry("FLEET_PROFILE_MARK", "one");
        Files.delete(home.resolve(".profile"));
        assertThat(env.get()).doesNotContainKey("FLEET_PROFILE_MARK");
    }

    @Test
    void aLinkedProfileWhoseTargetAppearsCountsAsAChange() throws Exception {
        // A dotfiles checkout not there yet: the link leads nowhere, the profile is missing.
        Path dotfiles = Files.createDirectory(home.resolve("dotfiles"));
        writeProfile(".profile", "[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\n", 10);
        Files.createSymbolicLink(home.resolve(".bashrc"), dotfiles.resolve("bashrc"));
        LoginEnvironment env = login();
        assertThat(env.get()).doesNotContainKey("FLEET_RC_MARK");
        Files.writeString(dotfiles.resolve("bashrc"), "export FLEET_RC_MARK=linked\n");
        assertThat(env.get()).containsEntry("FLEET_RC_MARK", "linked");
    }

    @Test
    void aShellThatCannotRunGivesWayToThisMachinesPosixShell() throws Exception {
        Path notRunnable = Files.writeString(home.resolve("fakesh"), "#!/bin/sh\n");
        writeProfile(".profile", "export FLEET_PROFILE_MARK=fallback\n", 10);
        LoginEnvironment env = new LoginEnvironment(
                Map.of("HOME", home.toString(), "USER", "tester", "SHELL", notRunnable.toString()), home);
        assertThat(env.seed()).containsEntry("SHELL", LocalShell.path());
        assertThat(env.get()).containsEntry("FLEET_PROFILE_MARK", "fallback");
    }
}
