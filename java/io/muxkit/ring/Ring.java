package io.muxkit.ring;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;

/**
 * One io_uring: requests are queued here, in a native array and with no syscall, and go to the
 * kernel with the next {@link #submitAndWait}, which submits them and waits for completions in one
 * io_uring_enter; the completions are then read by index ({@link #userData}, {@link #result},
 * {@link #flags}), as epoll's ready events are. native/uring.c writes the SQEs and reads the CQEs.
 *
 * <p>A ring is set up for one of two uses. {@link #readiness} rings carry only poll requests, the
 * uring backend of {@link io.muxkit.mux.Multiplexer}. {@link #completion} rings carry the requests
 * that do the I/O themselves (multishot accept, multishot recv into a {@link BufferRing}, send,
 * cancel, close) beside the polls of the few fds that still need readiness (an eventfd, inotify).
 *
 * <h2>What the caller must do</h2>
 * <ul>
 * <li><b>One thread.</b> A completion ring is SINGLE_ISSUER: the thread that makes its first
 *     {@link #submitAndWait} owns it, and its requests, waits and {@link #close} belong to that thread
 *     (queueing before then is fine from any thread that owns it meanwhile).</li>
 * <li><b>Tell completions apart by user_data.</b> {@link #userData(int, int, int)} packs a kind
 *     (the top byte), a 24-bit tag and the fd; user_data below zero is an acknowledgement nobody
 *     waits for (of a cancel or a close) and is reported all the same.</li>
 * <li><b>A multishot request lives until a completion without {@link #MORE}</b>: a recv ended by
 *     -ENOBUFS (no buffer free) or end of file, an accept ended by an error, each must be queued
 *     again to go on.</li>
 * <li><b>Memory a request points at stays valid until its last completion</b> (a send's bytes,
 *     the buffers): the kernel reads and writes it meanwhile. {@link #close} on the owning thread
 *     cancels what is in flight and waits for it first.</li>
 * </ul>
 */
public final class Ring implements AutoCloseable {
    /** A completion's flags: more completions of the same request follow; the result is in buffer {@link #bufferId}. */
    public static final int MORE = Native.IORING_CQE_F_MORE, BUFFER = Native.IORING_CQE_F_BUFFER;
    /** Kinds of request, in the top byte of a completion's user_data (poll requests carry 0). */
    public static final int POLL = 0, ACCEPT = Native.URING_ACCEPT_MULTI, RECV = Native.URING_RECV_MULTI, SEND = Native.URING_SEND;

    private static final int OP_SIZE = Native.URING_OP_SIZE, CQE_SIZE = Native.CQE_SIZE, KIND_SHIFT = Native.URING_KIND_SHIFT;
    private static final long CANCEL_EVERYTHING_MILLIS = 2000;
    /** A wait on a completion ring waits for a batch of completions, at most this many, */
    private static final int MOST_BATCHED = 32;
    /** and no longer than this once one has come (IORING_ENTER_EXT_ARG's min_wait_usec, 6.12). */
    private static final int MIN_WAIT_MICROS = 50;

    /** Told, after each submit and before the requests the kernel did not take move to the front, how many it took. */
    public interface Submitted {
        void submitted(Ring ring, int taken);
    }

    private final MuxSyscalls lib;
    private final boolean completion;
    private final NativeBuffer ring;
    private NativeBuffer ops;
    private int opCount, opCapacity = 64;
    private NativeBuffer cqes;
    private int cqeCapacity = 64, completions;
    private int sendsQueued;  // since the last wait: their completions come at once, and a wait waits for more
    private int batch = 1;    // completions beyond those sends the next wait waits for
    private BufferRing buffers;
    private Submitted listener;
    private Thread owner;  // the thread of the first wait: the only one that may enter a SINGLE_ISSUER ring
    private boolean closed;

    private Ring(MuxSyscalls lib, boolean completion, int sqEntries, int cqEntries) throws NativeIOException {
        this.lib = lib;
        this.completion = completion;
        ring = NativeMemory.allocate(lib.mk_uring_size());
        int fd = completion ? lib.mk_uring_init_completion(ring.address(), sqEntries, cqEntries)
                : lib.mk_uring_init(ring.address(), sqEntries, cqEntries);
        if (fd < 0) {
            NativeMemory.free(ring);
            throw new NativeIOException(setupFailure(-fd), -1, -fd);
        }
        ops = NativeMemory.allocate((long) opCapacity * OP_SIZE);
        cqes = NativeMemory.allocate((long) cqeCapacity * CQE_SIZE);
        if (completion) ring.putInt(Native.URING_MIN_WAIT_USEC, MIN_WAIT_MICROS);
    }

    /** A ring for poll requests only (the uring backend), of sqEntries submissions and cqEntries completions. */
    public static Ring readiness(MuxSyscalls lib, int sqEntries, int cqEntries) throws NativeIOException {
        return new Ring(lib, false, sqEntries, cqEntries);
    }

    /** A ring for completions (see {@link RingSetup}), with its buffer ring registered. */
    public static Ring completion(MuxSyscalls lib, RingSetup setup) throws NativeIOException {
        Ring r = new Ring(lib, true, setup.sqEntries(), setup.cqEntries());
        try {
            r.buffers = new BufferRing(r, setup.buffers(), setup.bufferSize(), 0);
        } catch (NativeIOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
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

    /** The shim calls this ring makes: a multiplexer on it makes its own through the same (traced or not). */
    public MuxSyscalls syscalls() {
        return lib;
    }

    long address() {
        return ring.address();
    }

    /** Whether this ring was set up for completions (else for poll requests only). */
    public boolean completion() {
        return completion;
    }

    /** The provided buffers that multishot recvs fill; null on a readiness ring. */
    public BufferRing buffers() {
        return buffers;
    }

    /** Who is told of each submit (the poll multiplexer on this ring, which tracks which of its polls went in). */
    public void onSubmitted(Submitted listener) {
        this.listener = listener;
    }

    // ---- user_data ----

    /** user_data for a request: kind in the top byte, a 24-bit tag (a generation, a slot) and the fd. */
    public static long userData(int kind, int tag, int fd) {
        return ((long) kind << KIND_SHIFT) | ((long) (tag & 0xffffff) << 32) | (fd & 0xffffffffL);
    }

    /** The kind of a user_data, or -1 for an acknowledgement nobody waits for. */
    public static int kind(long userData) {
        return userData < 0 ? -1 : (int) (userData >>> KIND_SHIFT);
    }

    public static int tag(long userData) {
        return (int) (userData >>> 32) & 0xffffff;
    }

    public static int fd(long userData) {
        return (int) userData;
    }

    /** The buffer a completion with {@link #BUFFER} in its flags was given. */
    public static int bufferId(int flags) {
        return flags >>> Native.IORING_CQE_BUFFER_SHIFT;
    }

    // ---- requests: queued, in the kernel with the next wait ----

    /** A poll for poll(2) events on fd, one-shot or multishot: the slot it sits in until the next submit. */
    public int poll(int fd, int events, boolean multishot, long userData) {
        int slot = newOp();
        rewritePoll(slot, fd, events, multishot, userData);
        return slot;
    }

    /** Changes a poll still queued in slot. */
    public void rewritePoll(int slot, int fd, int events, boolean multishot, long userData) {
        write(slot, multishot ? Native.URING_ADD_MULTI : Native.URING_ADD, fd, userData, 0, events, 0);
    }

    /** Drops the request still queued in slot: it never reaches the kernel. */
    public void drop(int slot) {
        ops.putInt((long) slot * OP_SIZE + Native.URING_OP_KIND, Native.URING_NOP);
    }

    /** Cancels the poll with that user_data. */
    public void pollRemove(long target) {
        write(newOp(), Native.URING_REMOVE, -1, target, 0, 0, 0);
    }

    /** Multishot accept on a listening socket: a completion per connection (its fd, nonblocking, close-on-exec). */
    public void acceptMultishot(int listenFd, long userData) {
        write(newOp(), Native.URING_ACCEPT_MULTI, listenFd, userData, 0, 0, 0);
    }

    /**
     * Multishot recv into this ring's buffers: a completion per buffer filled, ended by end of file,
     * an error, -ENOBUFS, or (limit > 0) once limit bytes came: the most a reader that stops can
     * be left holding. A kernel before 6.16 refuses a limit with -EINVAL: ask again with 0.
     */
    public void recvMultishot(int fd, long userData, int limit) {
        write(newOp(), Native.URING_RECV_MULTI, fd, userData, 0, limit, buffers.group());
    }

    /** Sends length bytes at address (which stay valid until the completion); the completion says how many went. */
    public void send(int fd, long address, int length, long userData) {
        write(newOp(), Native.URING_SEND, fd, userData, address, length, Native.MSG_NOSIGNAL);
        sendsQueued++;
    }

    /** Cancels every request with that user_data (each ends with -ECANCELED, unless it completes first). */
    public void cancel(long target) {
        write(newOp(), Native.URING_CANCEL, -1, target, 0, 0, 0);
    }

    /**
     * Cancels every request on fd, then closes it, in the kernel, in that order: the number is not
     * free for reuse until nothing in flight refers to it.
     */
    public void cancelAndClose(int fd) {
        write(newOp(), Native.URING_CANCEL_CLOSE, fd, 0, 0, 0, 0);
    }

    /** Buffer bid goes back to the buffer ring with the next submit (see {@link BufferRing#release}). */
    void giveBack(int bid) {
        write(newOp(), Native.URING_BUFFER, -1, 0, 0, 0, bid);
    }

    /** Requests queued and not yet taken by the kernel. */
    public int queued() {
        return opCount;
    }

    /** Whether the request queued in slot is a poll (one-shot or multishot), and its fd. */
    public boolean isPoll(int slot) {
        int kind = ops.getInt((long) slot * OP_SIZE + Native.URING_OP_KIND);
        return kind == Native.URING_ADD || kind == Native.URING_ADD_MULTI;
    }

    public int fdAt(int slot) {
        return ops.getInt((long) slot * OP_SIZE + Native.URING_OP_FD);
    }

    private void write(int slot, int kind, int fd, long userData, long address, int events, int arg) {
        long at = (long) slot * OP_SIZE;
        ops.putLong(at + Native.URING_OP_USER_DATA, userData);
        ops.putLong(at + Native.URING_OP_ADDR, address);
        ops.putInt(at + Native.URING_OP_FD, fd);
        ops.putInt(at + Native.URING_OP_EVENTS, events);
        ops.putInt(at + Native.URING_OP_KIND, kind);
        ops.putInt(at + Native.URING_OP_ARG, arg);
    }

    private int newOp() {
        if (closed) throw new IllegalStateException("the ring is closed");
        if (opCount == opCapacity) {
            ops = NativeMemory.grow(ops, (long) opCount * OP_SIZE, 2L * opCapacity * OP_SIZE);
            opCapacity *= 2;
        }
        return opCount++;
    }

    // ---- submitting and waiting ----

    /**
     * Submits what is queued and waits up to timeoutNanos (-1 forever, 0 not at all) for
     * completions, in one io_uring_enter (none when completions are already there and nothing is
     * to be submitted; more when the submission queue filled). Returns how many completions to read
     * by index, or -errno (EINTR: ended by a signal; what was queued went in all the same).
     */
    public int submitAndWait(long timeoutNanos) {
        enter();
        if (buffers != null) buffers.beforeSubmit();
        if (completion) ring.putInt(Native.URING_WAIT_NR, sendsQueued + batch);
        int n = lib.mk_uring_wait(ring.address(), ops.address(), opCount, timeoutNanos, cqes.address(), cqeCapacity);
        afterSubmit();
        completions = Math.max(n, 0);
        if (completion) batch(completions - sendsQueued);
        sendsQueued = 0;
        if (n == cqeCapacity) {  // full: there may be more, so the next wait gets room (these stay readable until then)
            cqes = NativeMemory.grow(cqes, (long) n * CQE_SIZE, 2L * cqeCapacity * CQE_SIZE);
            cqeCapacity *= 2;
        }
        return n;
    }

    /**
     * How many completions the next wait waits for, beyond the sends it submits (most complete as
     * they go in): a batch, or any one once 50 µs have passed. The batch adapts as network cards
     * moderate interrupts: it doubles (up to 32) while more came than it asked for, and falls to
     * what came when fewer did. With DEFER_TASKRUN the kernel then wakes this thread once a batch,
     * not once a completion, and under load one io_uring_enter serves many messages
     * (docs/io_uring.md). A loop with one completion at a time waits for one: no latency added.
     */
    private void batch(int lastOthers) {
        batch = lastOthers > batch ? Math.min(MOST_BATCHED, batch * 2) : lastOthers < batch ? Math.max(1, lastOthers) : batch;
    }

    /**
     * Submits what is queued without waiting (one io_uring_enter): for cancellations that cannot wait
     * for the next wait. Buffers released for after the submit stay readable until the next wait.
     */
    public int submit() {
        enter();
        int rc = lib.mk_uring_submit(ring.address(), ops.address(), opCount);
        afterSubmit();
        return rc;
    }

    private void enter() {
        if (owner == null) owner = Thread.currentThread();
    }

    /** The kernel took the first ops: the listener hears of it, then the rest move to the front. */
    private void afterSubmit() {
        int taken = (int) ring.getLong(Native.URING_TAKEN);
        if (listener != null) listener.submitted(this, taken);
        if (taken < opCount) ops.copyTo((long) taken * OP_SIZE, ops, 0, (long) (opCount - taken) * OP_SIZE);
        opCount -= taken;
    }

    /** Completions the last wait read (valid until the next wait). */
    public int completions() {
        return completions;
    }

    public long userData(int i) {
        return cqes.getLong((long) i * CQE_SIZE + Native.CQE_USER_DATA);
    }

    public int result(int i) {
        return cqes.getInt((long) i * CQE_SIZE + Native.CQE_RES);
    }

    public int flags(int i) {
        return cqes.getInt((long) i * CQE_SIZE + Native.CQE_FLAGS);
    }

    // ---- what the kernel took, and counters ----

    /** io_uring_enter calls so far. */
    public long enters() {
        return ring.getLong(Native.URING_ENTERS);
    }

    /** SQEs the kernel took so far. */
    public long submissions() {
        return ring.getLong(Native.URING_SUBMITTED);
    }

    /** Requests submitted whose last completion has not been read. */
    public long inFlight() {
        return ring.getLong(Native.URING_INFLIGHT);
    }

    /** For the trace: the counters of the ring at this address. */
    public static long enters(NativeBuffer ring) {
        return ring.getLong(Native.URING_ENTERS);
    }

    public static long submitted(NativeBuffer ring) {
        return ring.getLong(Native.URING_SUBMITTED);
    }

    public static int taken(NativeBuffer ring) {
        return (int) ring.getLong(Native.URING_TAKEN);
    }

    /** How the kernel set this ring up: {@link RingFeatures}. */
    public RingFeatures features() {
        return new RingFeatures(completion, ring.getInt(Native.URING_SETUP_FLAGS), ring.getInt(Native.URING_FEATURES),
                ring.getInt(Native.URING_REGISTERED_RING) != 0, ring.getInt(Native.URING_SQ_ENTRIES),
                ring.getInt(Native.URING_CQ_ENTRIES), buffers == null ? 0 : buffers.count(), buffers == null ? 0 : buffers.size());
    }

    /**
     * Cancels what is in flight and waits (up to 2 s) until the kernel is done with it, then
     * unmaps the rings and closes the ring fd. On another thread than the owner's, a completion
     * ring cannot submit: the kernel then cancels what is in flight when the ring fd closes, later,
     * and the buffers are left allocated rather than freed under a request that may still use them.
     */
    @Override
    public void close() {
        if (closed) return;
        boolean quiet = cancelEverything();
        closed = true;
        lib.mk_uring_exit(ring.address());
        if (buffers != null && quiet) buffers.free();
        NativeMemory.free(ring);
        NativeMemory.free(ops);
        NativeMemory.free(cqes);
        ops = cqes = null;
    }

    /** True when nothing is left in flight. */
    private boolean cancelEverything() {
        listener = null;
        if (inFlight() == 0 && opCount == 0) return true;
        if (completion && owner != null && owner != Thread.currentThread()) {
            closeQueuedFds();
            return inFlight() == 0;
        }
        write(newOp(), Native.URING_CANCEL, -1, 0, 0, 0, Native.IORING_ASYNC_CANCEL_ANY);
        long deadline = System.nanoTime() + CANCEL_EVERYTHING_MILLIS * 1_000_000;
        while (inFlight() > 0 || opCount > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                closeQueuedFds();
                return false;
            }
            submitAndWait(Math.min(left, 100_000_000));
        }
        return true;
    }

    /** The fds of cancel-and-close requests that can no longer be submitted are closed here, not leaked. */
    private void closeQueuedFds() {
        for (int slot = 0; slot < opCount; slot++) {
            if (ops.getInt((long) slot * OP_SIZE + Native.URING_OP_KIND) == Native.URING_CANCEL_CLOSE) lib.mk_close(fdAt(slot));
        }
        opCount = 0;
    }
}
