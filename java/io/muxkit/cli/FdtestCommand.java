package io.muxkit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.muxkit.fdtest.FdTest;
import io.muxkit.fdtest.Protocol;
import io.muxkit.fdtest.Report;
import io.muxkit.ffi.Rlimits;
import io.muxkit.output.Json;
import io.muxkit.probe.SystemLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fdtest", mixinStandardHelpOptions = true, description = {
        "Put any server at its fd limit and say how it behaves: survived, spins, stalls,",
        "dies or no recovery; or limit not reached, when no process of it came within a",
        "few fds of N, nor turned connections away at a limit of its own.",
        "The command runs under RLIMIT_NOFILE N (soft and hard) in a process group of",
        "its own; {port} in its arguments becomes a free port. The limit, the fds and",
        "the CPU are each process's own (an Apache's children each have theirs).",
        "Exit status: 0 survived; 1 spins, stalls, dies or no recovery; 2 the command",
        "could not be started; 3 limit not reached.",
        "Example: muxkit fdtest --nofile 128 -- ./muxkit echo --port {port} --backend poll" })
final class FdtestCommand implements Callable<Integer> {
    static final int EXIT_LIMIT_NOT_REACHED = 3;

    @Option(names = "--nofile", defaultValue = "128", paramLabel = "N", description = "RLIMIT_NOFILE of the server (default: ${DEFAULT-VALUE}).")
    int nofile;

    @Option(names = "--connections", paramLabel = "M", description = "At most this many connections past the old clients; fdtest stops sooner when the server is at its limit"
                    + " or its fds stop growing (default: 3N, at most what fdtest's own fd limit holds).")
    Integer connections;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "How long to watch it over the limit, and to wait for it to recover (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--protocol", defaultValue = "echo", paramLabel = "echo|http|connect",
            description = "echo: a line echoed back; http: GET / answered; connect: accepted (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "-- COMMAND ARGS", description = "The server to test, after --.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        long hard = Rlimits.nofile().hard();
        Checks.range("--nofile", nofile, 16, (int) Math.min(hard, Integer.MAX_VALUE));
        // fdtest holds what it opens (served, and unanswered, connections) in this process: they must fit its own limit
        int room = (int) Math.max(1, Math.min(100_000, SystemLimits.freeFds(ListenOptions.RESERVED_FDS)));
        int m = connections == null ? Math.min(3 * nofile, room) : connections;
        Checks.range("--connections", m, 1, room);
        Checks.seconds("--seconds", seconds, false, 600);
        Protocol p;
        try {
            p = Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--protocol: " + e.getMessage());
        }
        if (Path.of(command.get(0)).getFileName().toString().equals("java"))
            System.err.println("fdtest: a JVM raises its soft limit to the hard one at start-up unless run with -XX:-MaxFDLimit;"
                    + " fdtest sets both to " + nofile + ", so there is nothing to raise");
        Report report;
        try {
            report = FdTest.run(new FdTest.Config(command, nofile, m, seconds, p), json ? System.err : System.out);
        } catch (FdTest.StartFailure e) {
            throw new UsageException("fdtest: " + e.getMessage());
        }
        System.out.print(json ? Json.write(report.toJson()) + "\n" : report.table());
        return report.survived() ? 0 : report.limitReached() ? 1 : EXIT_LIMIT_NOT_REACHED;
    }
}
