package io.muxkit.mux;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;

/**
 * poll(2): a dense array of struct pollfd in native memory, slot 0 the wakeup fd. An fd's slot
 * is found by index; removal moves the last entry into the hole, so the array stays dense. A
 * change of interest rewrites one entry's events, no syscall: the kernel reports a closed fd at
 * the next wait (POLLNVAL, which is ERROR).
 */
final class PollMultiplexer extends AbstractMultiplexer {
    private static final int SIZE = Native.POLLFD_SIZE, FD = Native.POLLFD_FD,
            EVENTS = Native.POLLFD_EVENTS, REVENTS = Native.POLLFD_REVENTS;

    private NativeBuffer pollfds = NativeMemory.allocate(64L * SIZE);
    private int capacity = 64;
    private int count;
    private int[] slotByFd = new int[64];

    PollMultiplexer(MuxSyscalls lib) throws IOException {
        super(Backend.POLL, false, lib);
        append(wakeFd, READ);
    }

    @Override
    protected void add(int fd, int interest) throws IOException {
        requireOpenFd(fd, "poll: fcntl(F_GETFD)");
        append(fd, interest);
    }

    @Override
    protected void change(int fd, int interest) {
        pollfds.putShort((long) slotByFd[fd] * SIZE + EVENTS, (short) eventsOf(interest));
    }

    @Override
    protected void remove(int fd) {
        int slot = slotByFd[fd];
        int last = --count;
        if (slot != last) {
            pollfds.copyTo((long) last * SIZE, pollfds, (long) slot * SIZE, SIZE);
            slotByFd[pollfds.getInt((long) slot * SIZE + FD)] = slot;
        }
    }

    @Override
    protected Wait waitOnce(long timeoutNanos) throws IOException {
        syscalls++;
        int n = lib.mk_poll(pollfds.address(), count, timeoutNanos);
        if (n < 0) return failedWait(n, "poll");
        if (n == 0) return Wait.TIMED_OUT;
        for (int slot = 0, found = 0; slot < count && found < n; slot++) {
            long at = (long) slot * SIZE;
            int revents = pollfds.getShort(at + REVENTS) & 0xffff;
            if (revents == 0) continue;
            found++;
            ready(pollfds.getInt(at + FD), readyOpsOf(revents));
        }
        return Wait.READY;
    }

    @Override
    protected void release() {
        NativeMemory.free(pollfds);
        pollfds = null;
    }

    private void append(int fd, int interest) {
        if (count == capacity) {
            pollfds = NativeMemory.grow(pollfds, (long) count * SIZE, 2L * capacity * SIZE);
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
