package io.muxkit.mux;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;


/**
 * Prints every call made to another multiplexer, with its arguments and result: registration
 * changes, and which fds each wait returned with which events. At most {@code linesPerSecond}
 * lines a second, then one line saying how many were left out, so it cannot drown a terminal.
 */
public final class TracingMultiplexer implements Multiplexer {
    private final Multiplexer inner;
    private final SyscallTrace out;
    private boolean closed;

    public TracingMultiplexer(Multiplexer inner, PrintStream out, int linesPerSecond) {
        this(inner, new SyscallTrace(out, linesPerSecond, null));
    }

    /** Writes its lines through out (its rate limit, its file). */
    public TracingMultiplexer(Multiplexer inner, SyscallTrace out) {
        this.inner = inner;
        this.out = out;
    }

    public static String opsText(int ops) {
        if (ops == 0) return "0";
        StringBuilder s = new StringBuilder();
        if ((ops & READ) != 0) s.append("|READ");
        if ((ops & WRITE) != 0) s.append("|WRITE");
        if ((ops & ERROR) != 0) s.append("|ERROR");
        if ((ops & HANGUP) != 0) s.append("|HANGUP");
        if ((ops & EDGE) != 0) s.append("|EDGE");
        return s.substring(1);
    }

    private void trace(String line) {
        out.line(inner.backend().id() + " " + line);
    }

    private void failed(String call, Exception e) {
        trace(call + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    @Override
    public Backend backend() {
        return inner.backend();
    }

    @Override
    public void waitListener(WaitListener listener) {
        inner.waitListener(listener);
    }

    /**
     * What a call cost in the kernel: its syscalls, and on uring the requests it submitted (a
     * registration change there is queued for the next wait, which submits it with its own syscall).
     */
    private String cost(MuxStats before) {
        MuxStats after = inner.stats();
        long syscalls = after.syscalls() - before.syscalls(), submitted = after.submissions() - before.submissions();
        return " [" + syscalls + (syscalls == 1 ? " syscall" : " syscalls")
                + (inner.backend() == Backend.URING ? ", " + submitted + " submitted" : "") + "]";
    }

    @Override
    public void register(int fd, int interest) throws IOException {
        String call = "register(fd=" + fd + ", " + opsText(interest) + ")";
        MuxStats before = inner.stats();
        try {
            inner.register(fd, interest);
        } catch (IOException | RuntimeException e) {
            failed(call, e);
            throw e;
        }
        trace(call + cost(before));
    }

    @Override
    public void modify(int fd, int interest) throws IOException {
        String call = "modify(fd=" + fd + ", " + opsText(inner.interest(fd)) + " -> " + opsText(interest) + ")";
        MuxStats before = inner.stats();
        try {
            inner.modify(fd, interest);
        } catch (IOException | RuntimeException e) {
            failed(call, e);
            throw e;
        }
        trace(call + cost(before));
    }

    @Override
    public void unregister(int fd) {
        MuxStats before = inner.stats();
        inner.unregister(fd);
        trace("unregister(fd=" + fd + ")" + cost(before));
    }

    @Override
    public boolean isRegistered(int fd) {
        return inner.isRegistered(fd);
    }

    @Override
    public int interest(int fd) {
        return inner.interest(fd);
    }

    @Override
    public int registeredCount() {
        return inner.registeredCount();
    }

    @Override
    public int select(long timeoutMillis) throws IOException {
        return select(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int select(long timeout, TimeUnit unit) throws IOException {
        MuxStats before = inner.stats();
        long start = System.nanoTime();
        int n = inner.select(timeout, unit);
        StringBuilder line = new StringBuilder("select(timeout=").append(timeoutText(timeout, unit)).append(", ")
                .append(inner.registeredCount()).append(" fds) -> ").append(n).append(" ready in ")
                .append((System.nanoTime() - start) / 1000).append(" us").append(cost(before));
        for (int i = 0; i < n && i < 16; i++)
            line.append(i == 0 ? ": " : ", ").append("fd ").append(inner.readyFd(i)).append(' ').append(opsText(inner.readyOps(i)));
        if (n > 16) line.append(", ...");
        trace(line.toString());
        return n;
    }

    private static String timeoutText(long timeout, TimeUnit unit) {
        if (timeout <= 0) return timeout + "ms";
        long nanos = unit.toNanos(timeout);
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos / 1000 + "us";
    }

    @Override
    public int readyFd(int i) {
        return inner.readyFd(i);
    }

    @Override
    public int readyOps(int i) {
        return inner.readyOps(i);
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public MuxStats stats() {
        return inner.stats();
    }

    @Override
    public void describe(int fd, String role) {
        inner.describe(fd, role);
    }

    @Override
    public boolean tracing() {
        return inner.tracing();
    }

    /** Idempotent, and traced once (an event loop and its owner may both close it). */
    @Override
    public void close() {
        inner.close();
        if (!closed) trace("close()");
        closed = true;
    }
}
