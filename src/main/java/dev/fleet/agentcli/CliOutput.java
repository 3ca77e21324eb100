package dev.fleet.agentcli;

import dev.fleet.exec.CommandResult;
import dev.fleet.os.AgentShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an agent CLI printed and how it exited. A long stdout overflows the inline cap; it is then
 * read back whole from its spill file, so a long answer is never cut. The spill files are then
 * removed: no answer names them, and what an agent printed (a key it read, say) is not left on
 * disk in the clear, where the answer has it starred. The wrapper's own "ended by" line is taken
 * off stderr and kept apart.
 */
public record CliOutput(String stdout, String stderr, Integer exitCode, String endedBy) {

    public static CliOutput of(CommandResult r) {
        String out = r.stdout();
        if (r.stdoutFullPath() != null) {
            try {
                out = Files.readString(Path.of(r.stdoutFullPath()));
            } catch (IOException e) {
                // The inline tail is what there is.
            }
        }
        removeQuietly(r.stdoutFullPath());
        removeQuietly(r.stderrFullPath());
        String err = r.stderr() == null ? "" : r.stderr();
        String endedBy = null;
        int mark = err.lastIndexOf(AgentShell.ENDED_BY_MARK);
        if (mark >= 0) {
            endedBy = err.substring(mark + AgentShell.ENDED_BY_MARK.length()).strip().lines().findFirst().orElse("").strip();
            err = err.substring(0, mark).stripTrailing();
        }
        return new CliOutput(out == null ? "" : out, err, r.exitCode(), endedBy == null || endedBy.isEmpty() ? null : endedBy);
    }

    private static void removeQuietly(String spill) {
        if (spill == null) {
            return;
        }
        try {
            Files.deleteIfExists(Path.of(spill));
        } catch (IOException e) {
            // Owner-only in fleet's data folder, and among the newest kept: the next spills push it out.
        }
    }

    public boolean exitedCleanly() {
        return exitCode != null && exitCode == 0;
    }

    public List<String> lines() {
        return stdout.lines().toList();
    }

    /**
     * What the CLI itself said about a failure, for telling failures apart: its stderr only. stdout
     * carries what the agent read and wrote (a member's files, command output), which is untrusted:
     * a file that mentions "401" must not make a run look like a refused login.
     */
    public String ownWords() {
        return stderr.strip();
    }

    /** stderr, else stdout: what to show when the CLI printed nothing structured. */
    public String rawDetail() {
        String e = stderr.strip();
        String o = stdout.strip();
        String exit = exitCode == null || exitCode == 0 ? "" : "(exit " + exitCode + ")";
        String text = e.isEmpty() ? o : o.isEmpty() ? e : e + "\n" + o;
        return text.isEmpty() ? "(no output" + (exit.isEmpty() ? "" : ", " + exit.substring(1)) : exit.isEmpty() ? text : text + "\n" + exit;
    }
}
