package io.muxkit.mux;

import java.io.IOException;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;

/**
 * select(2): master read and write bitmaps, copied into work bitmaps before each call (select
 * overwrites its arguments). Strict mode stops at FD_SETSIZE as libc's fd_set does; dynamic mode
 * grows the bitmaps to the highest fd, since the kernel takes any nfds. A change of interest
 * changes the master bitmaps only, no syscall: a closed fd is found by the next wait (EBADF).
 */
final class SelectMultiplexer extends AbstractMultiplexer {
    private final FdSetMode mode;
    private int bytes;                 // size of each bitmap
    private NativeBuffer readSet, writeSet, readWork, writeWork;
    private NativeBuffer readyFds, readyOps; // int arrays filled by mk_fdset_ready
    private int readyCapacity;
    private int maxFd;

    SelectMultiplexer(FdSetMode mode, MuxSyscalls lib) throws IOException {
        super(Backend.SELECT, false, lib);
        this.mode = mode;
        if (wakeFd >= Native.FD_SETSIZE && mode == FdSetMode.STRICT) {
            closeWakeFd();
            throw tooHigh(wakeFd);
        }
        // dynamic: the bitmaps must cover the wakeup fd too, wherever it landed
        int cover = mode == FdSetMode.DYNAMIC ? Math.max(Native.FD_SETSIZE, wakeFd + 1) : Native.FD_SETSIZE;
        allocate(lib.mk_fdset_bytes(cover));
        addBits(wakeFd, READ);
        maxFd = wakeFd;
    }

    @Override
    protected void add(int fd, int interest) throws IOException {
        if (fd >= bytes * 8) {
            if (mode == FdSetMode.STRICT) throw tooHigh(fd);
            allocate(lib.mk_fdset_bytes(Math.max(fd + 1, bytes * 16)));
        }
        requireOpenFd(fd, "select: fcntl(F_GETFD)");
        addBits(fd, interest);
        maxFd = Math.max(maxFd, fd);
    }

    /** Memory only, as in C: a closed fd is reported by the next wait as ERROR (see reportClosed). */
    @Override
    protected void change(int fd, int interest) {
        removeBits(fd);
        addBits(fd, interest);
    }

    @Override
    protected void remove(int fd) {
        removeBits(fd);
        if (fd == maxFd) maxFd = highestFd(fd);
    }

    @Override
    protected Wait waitOnce(long timeoutNanos) throws IOException {
        readSet.copyTo(0, readWork, 0, bytes);
        writeSet.copyTo(0, writeWork, 0, bytes);
        syscalls++;
        int n = lib.mk_select(maxFd + 1, readWork.address(), writeWork.address(), timeoutNanos);
        if (n == -Native.EBADF) {
            reportClosed();
            return Wait.READY;
        }
        if (n < 0) return failedWait(n, "select");
        if (n == 0) return Wait.TIMED_OUT;
        collect(n);
        return Wait.READY;
    }

    private void collect(int n) {
        if (n > readyCapacity) {
            readyCapacity = Math.max(n, readyCapacity * 2);
            NativeMemory.free(readyFds);
            NativeMemory.free(readyOps);
            readyFds = NativeMemory.allocate(4L * readyCapacity);
            readyOps = NativeMemory.allocate(4L * readyCapacity);
        }
        // n counts an fd once per set it is in, so it bounds the number of distinct fds
        int found = lib.mk_fdset_ready(readWork.address(), writeWork.address(), maxFd + 1, readyFds.address(), readyOps.address(), n);
        for (int i = 0; i < found; i++)
            ready(readyFds.getInt(4L * i), readyOps.getInt(4L * i));  // 1 = READ, 2 = WRITE: same bits
    }

    /**
     * EBADF: a registered fd was closed. Report each such fd as ERROR (as poll reports POLLNVAL),
     * then wait again, without them and without blocking, for the rest.
     */
    private void reportClosed() throws IOException {
        readSet.copyTo(0, readWork, 0, bytes);
        writeSet.copyTo(0, writeWork, 0, bytes);
        for (int fd = 0; fd <= maxFd; fd++) {
            if (isRegistered(fd) && !isOpen(fd)) {
                ready(fd, ERROR);
                lib.mk_fdset_remove(readWork.address(), bytes, fd);
                lib.mk_fdset_remove(writeWork.address(), bytes, fd);
            }
        }
        syscalls++;
        int n = lib.mk_select(maxFd + 1, readWork.address(), writeWork.address(), 0);
        if (n > 0) collect(n);
        else if (n < 0) failedWait(n, "select");  // EINTR: the caller's next wait reports the rest
    }

    @Override
    protected void release() {
        for (NativeBuffer p : new NativeBuffer[] { readSet, writeSet, readWork, writeWork, readyFds, readyOps }) NativeMemory.free(p);
        readSet = writeSet = readWork = writeWork = readyFds = readyOps = null;
    }

    private FdLimitException tooHigh(int fd) {
        return new FdLimitException(fd, Native.FD_SETSIZE, "select cannot watch fd " + fd
                + ": fd_set holds only fds below FD_SETSIZE (" + Native.FD_SETSIZE
                + "); use --backend poll or --backend epoll (or --select-fdset dynamic)");
    }

    private void addBits(int fd, int interest) {
        if ((interest & READ) != 0) lib.mk_fdset_add(readSet.address(), bytes, fd);
        if ((interest & WRITE) != 0) lib.mk_fdset_add(writeSet.address(), bytes, fd);
    }

    private void removeBits(int fd) {
        lib.mk_fdset_remove(readSet.address(), bytes, fd);
        lib.mk_fdset_remove(writeSet.address(), bytes, fd);
    }

    /** (Re)allocates the four bitmaps at newBytes each, keeping the master bits. */
    private void allocate(int newBytes) {
        NativeBuffer newRead = NativeMemory.allocate(newBytes), newWrite = NativeMemory.allocate(newBytes);
        if (readSet != null) {
            readSet.copyTo(0, newRead, 0, bytes);
            writeSet.copyTo(0, newWrite, 0, bytes);
        }
        for (NativeBuffer p : new NativeBuffer[] { readSet, writeSet, readWork, writeWork }) NativeMemory.free(p);
        readSet = newRead;
        writeSet = newWrite;
        readWork = NativeMemory.allocate(newBytes);
        writeWork = NativeMemory.allocate(newBytes);
        bytes = newBytes;
    }
}
