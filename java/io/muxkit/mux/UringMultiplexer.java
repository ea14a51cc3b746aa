package io.muxkit.mux;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ring.Ring;

/**
 * io_uring's poll requests (native/uring.c keeps the ring). Level-triggered readiness is a one-shot
 * POLL_ADD re-armed after each completion (armed again, it checks the current state, so a still
 * ready fd is reported again); EDGE is a multishot poll, re-armed when a completion comes without
 * IORING_CQE_F_MORE. Requests are queued on the {@link Ring} and go in with the next wait, in the
 * same io_uring_enter. Each request carries the fd and a generation in its user_data: a completion
 * of an older registration of the same fd number (cancelled by modify or unregister) is ignored.
 */
final class UringMultiplexer extends AbstractMultiplexer implements Ring.Submitted {
    private static final int NONE = -1;

    private final Ring ring;
    /** by fd: the generation of its current poll, the slot of its queued (unsubmitted) ADD, whether a poll is in the kernel */
    private int[] generation = new int[64], queuedAdd = filled(new int[64]);
    private boolean[] armed = new boolean[64];
    /** ADDs in the ring's queue: a submit with none (a completion loop's usual turn: recvs, sends) walks nothing. */
    private int addsQueued;

    /** A ring of its own, of sqEntries submissions and cqEntries completions (small ones test overflow). */
    UringMultiplexer(int sqEntries, int cqEntries) throws IOException {
        this(sqEntries, cqEntries, Native.muxSyscalls());
    }

    UringMultiplexer(int sqEntries, int cqEntries, MuxSyscalls lib) throws IOException {
        this(lib, sqEntries, cqEntries, null);
    }

    /**
     * Poll requests on a completion ring, beside its other requests: the waits of an event loop on
     * that ring, for the fds that still need readiness (its wakeup, an inotify fd). Completions of
     * other kinds end a wait like a wakeup, and are the loop's to read. Closing this closes the ring.
     */
    UringMultiplexer(Ring shared, MuxSyscalls lib) throws IOException {
        this(lib, 0, 0, shared);
    }

    private UringMultiplexer(MuxSyscalls lib, int sqEntries, int cqEntries, Ring shared) throws IOException {
        super(Backend.URING, true, lib);
        try {
            ring = shared != null ? shared : Ring.readiness(lib, sqEntries, cqEntries);
        } catch (IOException | RuntimeException e) {
            closeWakeFd();
            throw e;
        }
        ring.onSubmitted(this);
        grow(wakeFd);
        queueAdd(wakeFd, READ, false);
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
        if (armed[fd]) ring.pollRemove(userData(fd, old));
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
        if (slot != NONE) {
            ring.drop(slot);
            queuedAdd[fd] = NONE;
            addsQueued--;
        }
        if (armed[fd]) {
            armed[fd] = false;
            ring.pollRemove(userData(fd, old));
            submitNow();  // a POLL_REMOVE goes in at once: the poll holds the file
        }
    }

    /** Submits what is queued without waiting (one io_uring_enter), for the cancellations that cannot wait. */
    private void submitNow() {
        long before = ring.enters();
        ring.submit();
        syscalls += ring.enters() - before;
    }

    /** The fd's next generation, kept to 24 bits: the tag of a poll's user_data. */
    private int nextGeneration(int fd) {
        int old = generation[fd];
        generation[fd] = (old + 1) & 0xffffff;
        return old;
    }

    /** For the wrap test: fd's number goes on from this generation, as after that many registrations and modifies. */
    void startGenerationAt(int fd, int value) {
        grow(fd);
        generation[fd] = value & 0xffffff;
    }

    /**
     * Submits what is queued and waits, in one io_uring_enter, or none when completions are already
     * there (read from shared memory), or several when the submission queue filled.
     */
    @Override
    protected Wait waitOnce(long timeoutNanos) throws IOException {
        long entersBefore = ring.enters(), start = timeoutNanos > 0 ? System.nanoTime() : 0;
        int n = ring.submitAndWait(timeoutNanos);
        syscalls += ring.enters() - entersBefore;
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
            long userData = ring.userData(i);
            int kind = Ring.kind(userData);
            if (kind != Ring.POLL) {  // an acknowledgement nobody waits for, or a completion for the loop
                if (kind > 0) completionArrived();
                continue;
            }
            int fd = Ring.fd(userData), res = ring.result(i);
            boolean more = (ring.flags(i) & Ring.MORE) != 0;
            if (fd >= generation.length || Ring.tag(userData) != generation[fd]) continue;  // an older registration's
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
                ring.pollRemove(userData(fd, nextGeneration(fd)));
                armed[fd] = false;
                queueAdd(fd, interest, false);
            }
        }
    }

    /**
     * The ring took its first `taken` requests: those polls are armed, whether the kernel has
     * taken them yet or takes them at the next enter; the rest move to the front.
     */
    @Override
    public void submitted(Ring r, int taken) {
        if (addsQueued == 0) return;
        int left = 0;
        for (int slot = 0; slot < r.queued(); slot++) {
            if (!r.isPoll(slot)) continue;
            int fd = r.fdAt(slot);
            if (slot < taken) {
                queuedAdd[fd] = NONE;
                armed[fd] = true;
            } else {
                queuedAdd[fd] = slot - taken;
                left++;
            }
        }
        addsQueued = left;
    }

    /** Closing the ring cancels every request in flight and drops their references to files. */
    @Override
    protected void release() {
        // the ring's teardown cancels what is in flight, but later, on a kernel worker: cancel the
        // polls here, in one io_uring_enter, so that every file they hold is let go before close()
        // returns (a socket closed right after must reach its peer at once)
        boolean any = false;
        for (int fd = 0; fd < armed.length; fd++) {
            if (!armed[fd]) continue;
            ring.pollRemove(userData(fd, generation[fd]));
            any = true;
        }
        if (any) submitNow();
        ring.close();
    }

    @Override
    protected long submissions() {
        return ring.submissions();
    }

    @Override
    protected int lastCompletions() {
        return ring.completions();
    }

    private static long userData(int fd, int generation) {
        return Ring.userData(Ring.POLL, generation, fd);
    }

    /** A poll for the interest: multishot for EDGE (or when asked), else one-shot. */
    private void queueAdd(int fd, int interest, boolean multishot) {
        queuedAdd[fd] = ring.poll(fd, eventsOf(interest), multishot || (interest & EDGE) != 0, userData(fd, generation[fd]));
        addsQueued++;
    }

    private void writeAdd(int slot, int fd, int interest, boolean multishot) {
        ring.rewritePoll(slot, fd, eventsOf(interest), multishot || (interest & EDGE) != 0, userData(fd, generation[fd]));
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
