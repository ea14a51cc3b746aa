package io.muxkit.testing;

import java.util.ArrayList;
import java.util.List;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/**
 * Child-JVM program for the fault tests: opens a backend N times while MUXKIT_FAULTS makes some
 * opens fail midway (eventfd, epoll_create1, the wakeup fd's epoll_ctl), closes what opened, and
 * checks that the process holds exactly the anonymous-inode fds (eventfd, epoll, io_uring) it held before.
 * Takes the backends to open, one after another ("select,poll"), and prints for each {@code BACKEND opened=A
 * failed=F leaked=L}.
 */
public final class OpenFailures {
    public static void main(String[] args) throws Exception {
        int attempts = Integer.parseInt(args[1]);
        SystemFds.warmUp();
        for (String id : args[0].split(",")) openAndClose(Backend.parse(id), attempts);
    }

    private static void openAndClose(Backend backend, int attempts) throws Exception {
        long before = SystemFds.anonInodes();  // what a backend opens: the JVM's own fds come and go
        List<Multiplexer> opened = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < attempts; i++) {
            try {
                opened.add(Multiplexer.open(backend));
            } catch (NativeIOException e) {
                failed++;
            }
        }
        for (Multiplexer m : opened) m.close();
        System.out.println(backend.id() + " opened=" + opened.size() + " failed=" + failed + " leaked=" + (SystemFds.anonInodes() - before));
    }
}
