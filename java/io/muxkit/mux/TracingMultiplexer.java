package io.muxkit.mux;

import java.io.IOException;
import java.io.PrintStream;

import io.muxkit.output.RateLimiter;

/**
 * Prints every call made to another multiplexer, with its arguments and result: registration
 * changes, and which fds each wait returned with which events. At most {@code linesPerSecond}
 * lines a second, then one line saying how many were left out, so it cannot drown a terminal.
 */
public final class TracingMultiplexer implements Multiplexer {
    private final Multiplexer inner;
    private final PrintStream out;
    private final RateLimiter limiter;

    public TracingMultiplexer(Multiplexer inner, PrintStream out, int linesPerSecond) {
        this.inner = inner;
        this.out = out;
        this.limiter = new RateLimiter(linesPerSecond);
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
        long held = limiter.admit();
        if (held < 0) return;
        if (held > 0) out.println("[trace] ... " + held + " lines left out (more than " + limiter.perSecond() + "/s)");
        out.println("[trace] " + inner.backend().id() + " " + line);
    }

    private void failed(String call, Exception e) {
        trace(call + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    @Override
    public Backend backend() {
        return inner.backend();
    }

    @Override
    public void register(int fd, int interest) throws IOException {
        String call = "register(fd=" + fd + ", " + opsText(interest) + ")";
        try {
            inner.register(fd, interest);
        } catch (IOException | RuntimeException e) {
            failed(call, e);
            throw e;
        }
        trace(call);
    }

    @Override
    public void modify(int fd, int interest) throws IOException {
        String call = "modify(fd=" + fd + ", " + opsText(inner.interest(fd)) + " -> " + opsText(interest) + ")";
        try {
            inner.modify(fd, interest);
        } catch (IOException | RuntimeException e) {
            failed(call, e);
            throw e;
        }
        trace(call);
    }

    @Override
    public void unregister(int fd) {
        inner.unregister(fd);
        trace("unregister(fd=" + fd + ")");
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
        long start = System.nanoTime();
        int n = inner.select(timeoutMillis);
        StringBuilder line = new StringBuilder("select(timeout=").append(timeoutMillis).append("ms, ")
                .append(inner.registeredCount()).append(" fds) -> ").append(n).append(" ready in ")
                .append((System.nanoTime() - start) / 1000).append(" us");
        for (int i = 0; i < n && i < 16; i++)
            line.append(i == 0 ? ": " : ", ").append("fd ").append(inner.readyFd(i)).append(' ').append(opsText(inner.readyOps(i)));
        if (n > 16) line.append(", ...");
        trace(line.toString());
        return n;
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
    public void close() {
        inner.close();
        trace("close()");
    }
}
