package io.muxkit.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import io.muxkit.examples.CallbackEcho;
import io.muxkit.examples.FileShare;
import io.muxkit.examples.SelectEcho;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/**
 * ExamplesTest's lighter pass: the tutorial's servers (select-echo, callback-echo, file-server
 * rooted at ROOT/backend) on each backend named, every one on its own thread and multiplexer, in
 * one JVM instead of a JVM each. Each line a server prints is prefixed with its name and backend
 * ("select-echo/poll: listening on 127.0.0.1:PORT backend=poll": a prefix no other server's line
 * contains, as ChildJvm.port wants). They serve until the process ends.
 * Usage: ExampleServers ROOT BACKEND...
 */
public final class ExampleServers {
    private interface Server {
        void serve(Multiplexer mux, PrintStream out) throws Exception;
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            Backend backend = Backend.parse(args[i]);
            start("select-echo", backend, (mux, out) -> SelectEcho.serve(mux, "127.0.0.1", 0, out));
            start("callback-echo", backend, (mux, out) -> CallbackEcho.serve(mux, "127.0.0.1", 0, out));
            start("file-server", backend, (mux, out) -> FileShare.serve(mux, "127.0.0.1", 0, root.resolve(backend.id()), out));
        }
    }

    private static void start(String name, Backend backend, Server server) {
        PrintStream out = labelled(name + "/" + backend.id() + ":");
        new Thread(() -> {
            try {
                server.serve(Multiplexer.open(backend), out);
            } catch (Exception e) {
                out.println("failed: " + e);
            }
        }, name + " " + backend.id()).start();
    }

    /** The examples print whole lines with println(String): each goes to stdout in one piece, after the label. */
    private static PrintStream labelled(String label) {
        return new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                System.out.println(label + " " + line);
            }
        };
    }
}
