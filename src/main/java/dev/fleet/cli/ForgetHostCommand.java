package dev.fleet.cli;

import dev.fleet.exec.ssh.TofuHostKeys;
import dev.fleet.member.DataDir;
import dev.fleet.settings.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "forget-host", description = "Forget the recorded SSH host key of HOST[:PORT], to accept a key that changed "
        + "deliberately (for example after reinstalling the machine). The next connection records the new key. A cloud "
        + "member's key is recorded under its instance id, not its address.")
final class ForgetHostCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "As shown in the refusal, e.g. 10.0.0.5, [10.0.0.5]:2222 or i-0abc123def4567890.")
    String hostPort;

    @Override
    public Integer call() throws Exception {
        String host = hostPort;
        int port = 22;
        java.util.regex.Matcher bracketed = java.util.regex.Pattern.compile("^\\[(.+)]:(\\d+)$").matcher(hostPort);
        java.util.regex.Matcher plain = java.util.regex.Pattern.compile("^([^:\\[\\]]+):(\\d+)$").matcher(hostPort);
        if (bracketed.matches()) {
            host = bracketed.group(1);
            port = Integer.parseInt(bracketed.group(2));
        } else if (plain.matches()) {
            host = plain.group(1);
            port = Integer.parseInt(plain.group(2));
        }
        DataDir data = new DataDir(Settings.from(System.getenv()).dataDir());
        int removed = new TofuHostKeys(data.knownHostsFile()).forget(host, port);
        System.out.println(removed == 0 ? "No key was recorded for " + hostPort + "."
                : "Forgot " + removed + " key" + (removed == 1 ? "" : "s") + " of " + hostPort
                + "; the next connection will record the key it presents.");
        return 0;
    }
}
