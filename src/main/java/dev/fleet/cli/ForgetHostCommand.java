package dev.fleet.cli;

import dev.fleet.exec.ssh.TofuHostKeys;
import dev.fleet.member.DataDir;
import dev.fleet.member.MemberRules;
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
        String portText = null;
        if (bracketed.matches()) {
            host = bracketed.group(1);
            portText = bracketed.group(2);
        } else if (plain.matches()) {
            host = plain.group(1);
            portText = plain.group(2);
        }
        // Checked like register_member's host and port: a port past int's range ended in a
        // NumberFormatException stack trace, and a host no member can have answered "no key recorded".
        if (portText != null) {
            port = portText.length() > 5 ? -1 : Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                System.err.println("Invalid input: HOST[:PORT] port must be between 1 and 65535, got " + portText);
                return 2;
            }
        }
        if (!host.matches(MemberRules.HOST_REGEX)) {
            System.err.println("Invalid input: HOST[:PORT] host " + MemberRules.HOST_RULE
                    + " (or a cloud instance id), as shown in the refusal");
            return 2;
        }
        DataDir data = new DataDir(Settings.from(System.getenv()).dataDir());
        int removed = new TofuHostKeys(data.knownHostsFile()).forget(host, port);
        System.out.println(removed == 0 ? "No key was recorded for " + hostPort + "."
                : "Forgot " + removed + " key" + (removed == 1 ? "" : "s") + " of " + hostPort
                + "; the next connection will record the key it presents.");
        return 0;
    }
}
