package example;

import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;

/** Every available backend, through the public API only: a pipe registered, written to, seen ready. */
public final class Consumer {
    public static void main(String[] args) throws Exception {
        try {
            Class.forName("picocli.CommandLine");
            throw new AssertionError("picocli reached a library user's classpath");
        } catch (ClassNotFoundException expected) {
            // the CLI's dependencies are optional: a library user does not get them
        }
        int checked = 0;
        for (Backend backend : Backend.values()) {
            String why = backend.unavailableReason();
            if (why != null) {
                System.out.println(backend.id() + ": unavailable here (" + why + ")");
                continue;
            }
            int[] pipe = Fds.pipe();
            try (Multiplexer mux = Multiplexer.open(backend)) {
                mux.register(pipe[0], Multiplexer.READ);
                if (mux.select(0) != 0) throw new AssertionError(backend + ": ready before anything was written");
                Fds.write(pipe[1], new byte[] { 42 }, 0, 1);
                int n = mux.select(1000);
                if (n != 1 || mux.readyFd(0) != pipe[0] || mux.readyOps(0) != Multiplexer.READ)
                    throw new AssertionError(backend + ": the written pipe was not reported ready");
                mux.unregister(pipe[0]);
            } finally {
                Fds.closeQuietly(pipe);
            }
            System.out.println(backend.id() + ": a pipe registered, written to and reported ready");
            checked++;
        }
        if (checked == 0) throw new AssertionError("no backend is available");
        System.out.println("consumer: " + checked + " backends work through io.muxkit:muxkit");
    }
}
