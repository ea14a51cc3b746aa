package io.muxkit.cli;

import java.util.ArrayList;
import java.util.List;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.scale.ScaleBench;

/**
 * One way to run the echo server, a row of the demo's and scale --tcp's tables: on a backend's
 * readiness, or on io_uring's completions (--io completion), named "uring completion".
 */
record EchoRun(String name, List<String> flags) {
    /** Each backend as asked, then the completion path when uring is among them. */
    static List<EchoRun> of(List<Backend> backends, FdSetMode mode) {
        List<EchoRun> runs = new ArrayList<>();
        for (Backend b : backends)
            runs.add(new EchoRun(ScaleBench.name(b, mode), List.of("--backend", b.id(), "--select-fdset", mode.id())));
        if (backends.contains(Backend.URING)) runs.add(new EchoRun("uring completion", List.of("--io", "completion")));
        return runs;
    }

    /** The echo command with these flags, its port picked by the kernel. */
    String[] echo(String... more) {
        List<String> args = new ArrayList<>(List.of("echo", "--port", "0"));
        args.addAll(flags);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
