package dev.fleet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {
    "Serve MCP on stdio (the default command). stdout carries protocol messages only.",
    "Relays to this user's fleet daemon, starting it when none runs; with --standalone (or FLEET_STANDALONE=1) "
        + "the whole fleet runs in this process instead."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--standalone", description = "Run the whole fleet in this process, without the daemon.")
    boolean standalone;

    @Override
    public Integer call() throws Exception {
        return Main.serve(System.getenv(), standalone);
    }
}
