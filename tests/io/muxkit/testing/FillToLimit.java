package io.muxkit.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;

/**
 * Child-JVM helper for the fd-limit tests: registers eventfds with one backend until something
 * stops it, proves the last one is reported ready, closes everything and prints one line:
 * {@code registered=N highest=FD stopped=<exception> ready=true|false}.
 */
public final class FillToLimit {
    public static void main(String[] args) throws IOException {
        Backend backend = Backend.parse(args[0]);
        FdSetMode mode = args.length > 1 ? FdSetMode.parse(args[1]) : FdSetMode.STRICT;
        List<Integer> opened = new ArrayList<>();
        String stopped = "nothing";
        boolean ready = false;
        int highest = -1;
        try (Multiplexer mux = Multiplexer.open(backend, mode)) {
            try {
                while (true) {
                    int fd = Fds.eventfd(0);
                    opened.add(fd);
                    mux.register(fd, Multiplexer.READ);
                    highest = Math.max(highest, fd);
                }
            } catch (IOException e) {
                stopped = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (highest >= 0) {
                Fds.eventfdWrite(highest, 1);
                ready = mux.select(1000) == 1 && mux.readyFd(0) == highest;
            }
            System.out.println("registered=" + mux.registeredCount() + " highest=" + highest
                    + " stopped=" + stopped + " ready=" + ready);
        } finally {
            for (int fd : opened) Fds.closeQuietly(fd);
        }
    }
}
