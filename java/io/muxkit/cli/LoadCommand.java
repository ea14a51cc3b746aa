package io.muxkit.cli;

import java.util.concurrent.Callable;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.LoopMonitor;
import io.muxkit.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = { "Echo load client: N connections, `depth` messages of `size` bytes in flight on each, every byte checked.",
                "Exit 1 on any error or mismatch, or when no connection was served." })
final class LoadCommand implements Callable<Integer> {
    @Mixin
    LoopRunOptions run;

    @Mixin
    AddressOptions.Connect server;

    @Option(names = "--connections", defaultValue = "100", description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--size", defaultValue = "64", description = "Bytes per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--depth", defaultValue = "1", description = "Messages in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--duration", paramLabel = "SECS", defaultValue = "10", description = "Seconds of load (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        MuxOptions mux = run.mux();
        Checks.range("--connections", connections, 1, 100_000);
        Checks.range("--size", size, 1, 1 << 24);
        Checks.range("--depth", depth, 1, 1024);
        Checks.seconds("--duration", duration, false, 3600);
        int port = server.port();
        Thread.currentThread().setName("load-loop");  // the loop runs here: its timeline track and lag warning name it
        LoopMonitor monitor = run.monitor("load", 1);
        LoadClient.Result result;
        try (EventLoop loop = mux.loops(connections).open(System.err)) {
            result = new LoadClient(loop, new LoadClient.Config(server.host, port, connections, size, depth, duration),
                    json ? System.err : System.out).run();
        }
        run.writeTimeline();
        if (json) System.out.println(Json.write(result.toJson()));
        else System.out.println("load: " + result.summary() + "\nlag: " + monitor.lagLine(false));
        if (result.connectFailures() + result.refused() >= connections) {
            System.err.println("load: no connection was served (is an echo server listening on " + server.host + ":" + port + "?)");
            return 1;
        }
        return result.errors() > 0 || result.mismatches() > 0 ? 1 : 0;
    }
}
