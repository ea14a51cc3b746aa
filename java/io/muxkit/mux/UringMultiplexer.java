package io.muxkit.mux;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;

/**
 * io_uring's poll requests (native/uring.c keeps the ring). Level-triggered readiness is a one-shot
 * POLL_ADD re-armed after each completion (armed again, it checks the current state, so a still
 * ready fd is reported again); EDGE is a multishot poll, re-armed when a completion comes without
 * IORING_CQE_F_MORE. Requests are queued in a native array and go in with the next wait, in the
 * same io_uring_enter. Each request carries the fd and a generation in its user_data: a completion
 * of an older registration of the same fd number (cancelled by modify or unregister) is ignored.
 */
final class UringMultiplexer extends AbstractMultiplexer {
    private static final int OP_SIZE = Native.URING_OP_SIZE, CQE_SIZE = Native.CQE_SIZE;
    private static final int NONE = -1;

    private final NativeBuffer ring;
    private NativeBuffer ops;
    private int opCount, opCapacity = 64;
    private NativeBuffer cqes;
    private int cqeCapacity = 64;
    /** by fd: the generation of its current poll, the index of its queued (unsubmitted) ADD, whether a poll is in the kernel */
    private int[] generation = new int[64], queuedAdd = filled(new int[64]);
    private boolean[] armed = new boolean[64];

    /** A ring of sqEntries submissions and cqEntries completions (small ones test overflow). */
    UringMultiplexer(int sqEntries, int cqEntries) throws IOException {
        this(sqEntries, cqEntries, Native.LIB);
    }

    UringMultiplexer(int sqEntries, int cqEntries, MuxSyscalls lib) throws IOException {
        super(Backend.URING, true, lib);
        ring = NativeMemory.allocate(lib.mk_uring_size());
        int fd = lib.mk_uring_init(ring.address(), sqEntries, cqEntries);
        if (fd < 0) {
            NativeMemory.free(ring);
            closeWakeFd();
            throw new NativeIOException(setupFailure(-fd), -1, -fd);
        }
        ops = NativeMemory.allocate((long) opCapacity * OP_SIZE);
        cqes = NativeMemory.allocate((long) cqeCapacity * CQE_SIZE);
        grow(wakeFd);
        queueAdd(wakeFd, READ, false);
    }

    /** io_uring_setup, with what its errno usually means. */
    private static String setupFailure(int errno) {
        String why = errno == Native.ENOSYS ? "a kernel without io_uring (before 5.1) or built without it"
                : errno == Native.EPERM ? "refused by kernel.io_uring_disabled or a seccomp filter (Docker's default refuses it)"
                : errno == Native.ENOMEM ? "ring memory over RLIMIT_MEMLOCK (kernels before 5.12)"
                : errno == Native.EOPNOTSUPP ? "the kernel lacks IORING_FEAT_NODROP or IORING_FEAT_EXT_ARG (5.11 or later needed)"
                : null;
        return why == null ? "io_uring_setup" : "io_uring_setup (" + why + ")";
    }

    /** The fd must be open now, as on the other backends (one fcntl): the poll request itself is only queued. */
    @Override
    protected void add(int fd, int interest) throws IOException {
        requireOpenFd(fd, "io_uring: fcntl(F_GETFD)");
        grow(fd);
        nextGeneration(fd);
        queueAdd(fd, interest, false);
    }

    /**
     * No syscall: a queued ADD is rewritten in place, an armed poll is cancelled by a queued REMOVE.
     * A closed fd is found by the kernel at the next wait, which reports it as ERROR, and again at
     * every wait until it is unregistered (as poll reports POLLNVAL).
     */
    @Override
    protected void change(int fd, int interest) {
        int old = nextGeneration(fd);
        int slot = queuedAdd[fd];
        if (slot != NONE) {
            writeAdd(slot, fd, interest, false);
            return;
        }
        if (armed[fd]) queueRemove(userData(fd, old));
        armed[fd] = false;
        queueAdd(fd, interest, false);
    }

    /**
     * A queued ADD is dropped. An armed poll holds a reference to the file, so its REMOVE is
     * submitted at once (one io_uring_enter, no wait): a close() right after must reach the peer.
     */
    @Override
    protected void remove(int fd) {
        int old = nextGeneration(fd);
        int slot = queuedAdd[fd];
        if (slot != NONE) dropOp(slot);
        if (armed[fd]) {
            armed[fd] = false;
            queueRemove(userData(fd, old));
            submitNow();  // a POLL_REMOVE goes in at once: the poll holds the file
        }
    }

    /** Submits what is queued without waiting (one io_uring_enter), for the cancellations that cannot wait. */
    private void submitNow() {
        long before = enters(ring);
        lib.mk_uring_submit(ring.address(), ops.address(), opCount);
        syscalls += enters(ring) - before;
        submitted();
    }

    /** The fd's next generation, kept to 31 bits: it is the high half of a user_data, whose sign bit marks a REMOVE's own completion. */
    private int nextGeneration(int fd) {
        int old = generation[fd];
        generation[fd] = (old + 1) & 0x7fffffff;
        return old;
    }

    /** For the wrap test: fd's number goes on from this generation, as after that many registrations and modifies. */
    void startGenerationAt(int fd, int value) {
        grow(fd);
        generation[fd] = value;
    }

    /**
     * Submits what is queued and waits, in one io_uring_enter, or none when completions are already
     * there (read from shared memory), or several when the submission queue filled.
     */
    @Override
    protected Wait waitOnce(long timeoutNanos) throws IOException {
        long entersBefore = enters(ring), start = timeoutNanos > 0 ? System.nanoTime() : 0;
        int n = lib.mk_uring_wait(ring.address(), ops.address(), opCount, timeoutNanos, cqes.address(), cqeCapacity);
        syscalls += enters(ring) - entersBefore;
        submitted();
        if (n < 0) return failedWait(n, "io_uring_enter");
        if (n > 0) {
            collect(n);
            return Wait.READY;
        }
        // a wait that submitted returns how many it submitted even when a signal ended it, so a wait
        // that comes back with nothing was interrupted, unless its time is up
        return timeoutNanos == 0 || (timeoutNanos > 0 && System.nanoTime() - start >= timeoutNanos) ? Wait.TIMED_OUT : Wait.INTERRUPTED;
    }

    private void collect(int n) {
        for (int i = 0; i < n; i++) {
            long at = (long) i * CQE_SIZE;
            long userData = cqes.getLong(at + Native.CQE_USER_DATA);
            if (userData < 0) continue;  // a REMOVE's own completion
            int fd = (int) userData, res = cqes.getInt(at + Native.CQE_RES);
            boolean more = (cqes.getInt(at + Native.CQE_FLAGS) & Native.IORING_CQE_F_MORE) != 0;
            if (fd >= generation.length || (int) (userData >>> 32) != generation[fd]) continue;  // an older registration's
            if (!more) armed[fd] = false;
            if (fd == wakeFd) {
                ready(fd, READ);
                if (!more) queueAdd(fd, READ, false);
                continue;
            }
            int interest = interest(fd), events = res < 0 ? 0 : res;
            if ((interest & READ) == 0) events &= ~Native.POLLRDHUP;  // as on epoll: a half-close matters to a reader only
            // res < 0: the kernel could not poll the fd (EBADF: closed before its poll went in), ERROR
            // as select and poll report a closed fd, and again at every wait until it is unregistered
            int ops = res < 0 ? ERROR : readyOpsOf(events);
            if (ops != 0) ready(fd, ops);
            if ((interest & EDGE) != 0) {
                if (!more) queueAdd(fd, interest, true);
            } else if (!more) {
                // level-triggered: armed again. A poll always watches for a half-close, so one that
                // reports only that to a writer would complete again at once, and again: a spin.
                // Such a poll waits instead as a multishot one, for the socket's next wakeup.
                queueAdd(fd, interest, ops == 0);
            } else if (ops != 0) {  // that multishot poll reported something: back to one-shot polls
                queueRemove(userData(fd, nextGeneration(fd)));
                armed[fd] = false;
                queueAdd(fd, interest, false);
            }
        }
        if (n == cqeCapacity) {  // full: there may be more, so the next wait gets room
            cqeCapacity *= 2;
            NativeMemory.free(cqes);
            cqes = NativeMemory.allocate((long) cqeCapacity * CQE_SIZE);
        }
    }

    /** Closing the ring cancels every request in flight and drops their references to files. */
    @Override
    protected void release() {
        // the ring's teardown cancels what is in flight, but later, on a kernel worker: cancel the
        // polls here, in one io_uring_enter, so that every file they hold is let go before close()
        // returns (a socket closed right after must reach its peer at once)
        opCount = 0;
        for (int fd = 0; fd < armed.length; fd++) if (armed[fd]) queueRemove(userData(fd, generation[fd]));
        if (opCount > 0) submitNow();
        lib.mk_uring_exit(ring.address());
        NativeMemory.free(ring);
        NativeMemory.free(ops);
        NativeMemory.free(cqes);
        ops = cqes = null;
    }

    @Override
    protected long submissions() {
        return submitted(ring);
    }

    // the counters at the start of struct mk_uring (native/uring.c), read here and by the decorator that logs each call

    /** io_uring_enter calls so far. */
    static long enters(NativeBuffer ring) {
        return ring.getLong(0);
    }

    /** SQEs the kernel took so far. */
    static long submitted(NativeBuffer ring) {
        return ring.getLong(8);
    }

    /** Ops the last submit or wait put in the ring: the first ones given, all unless the kernel refused to make room. */
    static int taken(NativeBuffer ring) {
        return (int) ring.getLong(16);
    }

    private static long userData(int fd, int generation) {
        return ((long) generation << 32) | fd;
    }

    /** A poll for the interest: multishot for EDGE (or when asked), else one-shot. */
    private void queueAdd(int fd, int interest, boolean multishot) {
        int slot = newOp();
        queuedAdd[fd] = slot;
        writeAdd(slot, fd, interest, multishot);
    }

    private void writeAdd(int slot, int fd, int interest, boolean multishot) {
        long at = (long) slot * OP_SIZE;
        ops.putLong(at + Native.URING_OP_USER_DATA, userData(fd, generation[fd]));
        ops.putInt(at + Native.URING_OP_FD, fd);
        ops.putInt(at + Native.URING_OP_EVENTS, eventsOf(interest));
        ops.putInt(at + Native.URING_OP_KIND, multishot || (interest & EDGE) != 0 ? Native.URING_ADD_MULTI : Native.URING_ADD);
    }

    private void queueRemove(long target) {
        long at = (long) newOp() * OP_SIZE;
        ops.putLong(at + Native.URING_OP_USER_DATA, target);
        ops.putInt(at + Native.URING_OP_FD, -1);
        ops.putInt(at + Native.URING_OP_KIND, Native.URING_REMOVE);
    }

    private int newOp() {
        if (opCount == opCapacity) {
            NativeBuffer bigger = NativeMemory.allocate(2L * opCapacity * OP_SIZE);
            ops.copyTo(0, bigger, 0, (long) opCount * OP_SIZE);
            NativeMemory.free(ops);
            ops = bigger;
            opCapacity *= 2;
        }
        return opCount++;
    }

    /** Moves the last queued op into the hole; order between ops does not matter (each names its own generation). */
    private void dropOp(int slot) {
        queuedAdd[fdOf(slot)] = NONE;
        int last = --opCount;
        if (slot == last) return;
        ops.copyTo((long) last * OP_SIZE, ops, (long) slot * OP_SIZE, OP_SIZE);
        if (isAdd(slot)) queuedAdd[fdOf(slot)] = slot;
    }

    /**
     * The shim put the first ops in the ring (all of them, unless the kernel refused to make room):
     * their polls are armed, whether the kernel has taken them yet or takes them at the next enter.
     */
    private void submitted() {
        int taken = taken(ring);
        for (int i = 0; i < taken; i++) {
            if (!isAdd(i)) continue;
            queuedAdd[fdOf(i)] = NONE;
            armed[fdOf(i)] = true;
        }
        if (taken < opCount) {  // the rest stay queued, moved to the front
            ops.copyTo((long) taken * OP_SIZE, ops, 0, (long) (opCount - taken) * OP_SIZE);
            for (int i = 0; i < opCount - taken; i++) if (isAdd(i)) queuedAdd[fdOf(i)] = i;
        }
        opCount -= taken;
    }

    private boolean isAdd(int slot) {
        return ops.getInt((long) slot * OP_SIZE + Native.URING_OP_KIND) != Native.URING_REMOVE;
    }

    private int fdOf(int slot) {
        return ops.getInt((long) slot * OP_SIZE + Native.URING_OP_FD);
    }

    private void grow(int fd) {
        if (fd < generation.length) return;
        int size = Math.max(fd + 1, generation.length * 2), old = generation.length;
        generation = Arrays.copyOf(generation, size);
        armed = Arrays.copyOf(armed, size);
        queuedAdd = Arrays.copyOf(queuedAdd, size);
        Arrays.fill(queuedAdd, old, size, NONE);
    }

    private static int[] filled(int[] a) {
        Arrays.fill(a, NONE);
        return a;
    }
}
