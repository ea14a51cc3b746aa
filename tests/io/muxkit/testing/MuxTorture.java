package io.muxkit.testing;

import java.io.IOException;
import java.util.Random;

import io.muxkit.ffi.Faults;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;

/**
 * Child-JVM program for the fault tests: random register, modify, unregister, write, drain and
 * select on pipes, against a model of what must be registered and ready, while MUXKIT_FAULTS
 * makes the multiplexer's syscalls fail. Whatever fails must fail as a NativeIOException and leave
 * no stale registration: a failed register or modify leaves the fd unregistered, and no fd that is
 * not registered (with READ, and data in its pipe) is ever reported. Takes the backends to run, one
 * after another ("select,poll"), and prints one line for each: {@code BACKEND ok ops=N failures=F
 * faults=I}, or {@code BACKEND FAIL ...}; exits 1 when any failed.
 */
public final class MuxTorture {
    /** A broken contract: ends this backend's run. */
    private static final class Failed extends Exception {
        Failed(String why) {
            super(why);
        }
    }

    public static void main(String[] args) throws IOException {
        int ops = Integer.parseInt(args[1]);
        SystemFds.warmUp();
        boolean allOk = true;
        for (String id : args[0].split(",")) {
            Backend backend = Backend.parse(id);
            long faultsBefore = Faults.injected();
            try {
                int failures = torture(backend, ops);
                System.out.println(backend.id() + " ok ops=" + ops + " failures=" + failures + " faults=" + (Faults.injected() - faultsBefore));
            } catch (Failed e) {
                System.out.println(backend.id() + " FAIL " + e.getMessage());
                allOk = false;
            }
        }
        System.exit(allOk ? 0 : 1);
    }

    /** The torture on one backend: how many calls failed (and were survived). */
    private static int torture(Backend backend, int ops) throws IOException, Failed {
        long fdsBefore = SystemFds.count();
        Random random = new Random(42);
        int[][] pipes = new int[32][];
        for (int i = 0; i < pipes.length; i++) pipes[i] = Fds.pipe();
        int[] interest = new int[pipes.length];   // -1: not registered
        boolean[] full = new boolean[pipes.length];
        java.util.Arrays.fill(interest, -1);
        int failures = 0;
        Multiplexer mux = null;
        try {
            while (mux == null) {
                try {
                    mux = Multiplexer.open(backend);
                } catch (NativeIOException e) {
                    failures++;  // the open itself failed (eventfd, epoll_create1, epoll_ctl of the wakeup fd)
                }
            }
            for (int op = 0; op < ops; op++) {
                int i = random.nextInt(pipes.length), fd = pipes[i][0];
                try {
                    switch (random.nextInt(6)) {
                        case 0 -> {
                            if (interest[i] >= 0) continue;
                            int want = random.nextBoolean() ? Multiplexer.READ : 0;
                            try {
                                mux.register(fd, want);
                                interest[i] = want;
                            } catch (NativeIOException e) {
                                failures++;
                                if (mux.isRegistered(fd)) fail("register failed (" + e.getMessage() + ") but fd " + fd + " is registered");
                            }
                        }
                        case 1 -> {
                            if (interest[i] < 0) continue;
                            int want = interest[i] == 0 ? Multiplexer.READ : 0;
                            try {
                                mux.modify(fd, want);
                                interest[i] = want;
                            } catch (NativeIOException e) {
                                failures++;
                                interest[i] = -1;  // the contract: a refused modify leaves the fd unregistered
                                if (mux.isRegistered(fd)) fail("modify failed but fd " + fd + " is still registered");
                            }
                        }
                        case 2 -> {
                            if (interest[i] < 0) continue;
                            mux.unregister(fd);
                            interest[i] = -1;
                        }
                        case 3 -> {
                            if (!full[i]) Fds.write(pipes[i][1], new byte[] { 1 }, 0, 1);
                            full[i] = true;
                        }
                        case 4 -> {
                            Fds.read(fd, new byte[16], 0, 16);
                            full[i] = false;
                        }
                        default -> {
                            int n;
                            try {
                                n = mux.select(0);
                            } catch (NativeIOException e) {
                                failures++;
                                continue;
                            }
                            boolean[] seen = new boolean[pipes.length];
                            for (int r = 0; r < n; r++) {
                                int k = indexOf(pipes, mux.readyFd(r));
                                if (k < 0 || interest[k] < 0) fail("fd " + mux.readyFd(r) + " is reported but not registered");
                                if ((mux.readyOps(r) & Multiplexer.READ) != 0 && (interest[k] & Multiplexer.READ) == 0)
                                    fail("fd " + mux.readyFd(r) + " reported READ without READ interest");
                                seen[k] = true;
                            }
                            for (int k = 0; k < pipes.length; k++)
                                if (interest[k] == Multiplexer.READ && full[k] && !seen[k])
                                    fail("fd " + pipes[k][0] + " is registered for READ, readable, and not reported");
                        }
                    }
                } catch (NativeIOException e) {
                    fail("an unexpected failure: " + e.getMessage());
                }
            }
        } finally {
            if (mux != null) mux.close();
            for (int[] p : pipes) Fds.closeQuietly(p);
        }
        long leaked = SystemFds.count() - fdsBefore;
        if (leaked != 0) fail(leaked + " fds leaked");
        return failures;
    }

    private static int indexOf(int[][] pipes, int fd) {
        for (int k = 0; k < pipes.length; k++) if (pipes[k][0] == fd) return k;
        return -1;
    }

    private static void fail(String why) throws Failed {
        throw new Failed(why);
    }
}
