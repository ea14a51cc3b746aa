package io.muxkit.mux;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeMemory;
import jnr.ffi.Pointer;

/**
 * poll(2): a dense array of struct pollfd in native memory, slot 0 the wakeup fd. An fd's slot
 * is found by index; removal moves the last entry into the hole, so the array stays dense.
 */
final class PollMultiplexer extends AbstractMultiplexer {
    private static final int SIZE = Native.POLLFD_SIZE, FD = Native.POLLFD_FD,
            EVENTS = Native.POLLFD_EVENTS, REVENTS = Native.POLLFD_REVENTS;

    private Pointer pollfds = NativeMemory.allocate(64L * SIZE);
    private int capacity = 64;
    private int count;
    private int[] slotByFd = new int[64];

    PollMultiplexer(SyscallTrace trace) throws IOException {
        super(Backend.POLL, false, trace);
        append(wakeFd, READ);
    }

    @Override
    protected void add(int fd, int interest) throws IOException {
        requireOpenFd(fd, "poll: fcntl(F_GETFD)");
        append(fd, interest);
    }

    @Override
    protected void change(int fd, int interest) throws IOException {
        requireOpenFd(fd, "poll: fcntl(F_GETFD)");
        pollfds.putShort((long) slotByFd[fd] * SIZE + EVENTS, (short) eventsOf(interest));
    }

    @Override
    protected void remove(int fd) {
        int slot = slotByFd[fd];
        int last = --count;
        if (slot != last) {
            pollfds.transferTo((long) last * SIZE, pollfds, (long) slot * SIZE, SIZE);
            slotByFd[pollfds.getInt((long) slot * SIZE + FD)] = slot;
        }
    }

    @Override
    protected int waitOnce(long timeoutNanos) {
        if (trace == null) return LIB.mk_poll(pollfds, count, timeoutNanos);
        String in = pollfdsText(false);
        long start = System.nanoTime();
        int n = LIB.mk_poll(pollfds, count, timeoutNanos);
        long took = System.nanoTime() - start;
        trace.line("ppoll(" + in + ", " + count + ", " + SyscallText.timespec(timeoutNanos) + ", NULL, 8)" + SyscallText.result(n)
                + (n > 0 ? " (" + pollfdsText(true) + ")" : "") + SyscallText.took(took));
        return n;
    }

    /** The array as strace writes it: every entry's events, or (after the call) the entries with revents. */
    private String pollfdsText(boolean revents) {
        StringBuilder s = new StringBuilder("[");
        int total = 0, written = 0;
        for (int slot = 0; slot < count; slot++) if (!revents || pollfds.getShort((long) slot * SIZE + REVENTS) != 0) total++;
        for (int slot = 0; slot < count; slot++) {
            long at = (long) slot * SIZE;
            int bits = pollfds.getShort(at + (revents ? REVENTS : EVENTS)) & 0xffff;
            if (revents && bits == 0) continue;
            if (!SyscallText.room(s, written, total)) break;
            s.append(written++ == 0 ? "" : ", ").append("{fd=").append(trace.fd(pollfds.getInt(at + FD)))
                    .append(revents ? ", revents=" : ", events=").append(SyscallText.pollEvents(bits)).append('}');
        }
        return s.append(']').toString();
    }

    @Override
    protected void collect(int n) {
        for (int slot = 0, found = 0; slot < count && found < n; slot++) {
            long at = (long) slot * SIZE;
            int revents = pollfds.getShort(at + REVENTS) & 0xffff;
            if (revents == 0) continue;
            found++;
            ready(pollfds.getInt(at + FD), readyOpsOf(revents));
        }
    }

    @Override
    protected String waitCall() {
        return "poll";
    }

    @Override
    protected void release() {
        NativeMemory.free(pollfds);
        pollfds = null;
    }

    private void append(int fd, int interest) {
        if (count == capacity) {
            Pointer bigger = NativeMemory.allocate(2L * capacity * SIZE);
            pollfds.transferTo(0, bigger, 0, (long) count * SIZE);
            NativeMemory.free(pollfds);
            pollfds = bigger;
            capacity *= 2;
        }
        if (fd >= slotByFd.length)
            slotByFd = Arrays.copyOf(slotByFd, Math.max(fd + 1, slotByFd.length * 2));
        long at = (long) count * SIZE;
        pollfds.putInt(at + FD, fd);
        pollfds.putShort(at + EVENTS, (short) eventsOf(interest));
        pollfds.putShort(at + REVENTS, (short) 0);
        slotByFd[fd] = count++;
    }
}
