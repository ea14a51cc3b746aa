package io.muxkit.mux;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ring.Ring;

/**
 * The shim's multiplexing calls, each written to a {@link SyscallTrace} as strace writes it, then
 * passed on. A traced multiplexer is opened with one of these around {@link Native#muxSyscalls()}, an
 * untraced one with the shim itself: the backends hold no trace code and pay nothing when off.
 * Arrays are read from the caller's memory around the call (the fd_sets, the pollfds, the epoll
 * events, uring's requests and completions; each through a {@link NativeBuffer#view} of the address
 * the call is given), and the fds this multiplexer creates get their roles here: the eventfd is
 * the wakeup, then the epoll fd or the ring. One per multiplexer.
 */
final class TracedSyscalls implements MuxSyscalls {
    private final MuxSyscalls lib;
    private final SyscallTrace trace;
    private int ringFd = -1;
    private long ringSize;
    private boolean completionRing;

    private TracedSyscalls(MuxSyscalls lib, SyscallTrace trace) {
        this.lib = lib;
        this.trace = trace;
    }

    /** What a multiplexer opened with this trace calls: the shim itself when trace is null, else the shim traced. */
    static MuxSyscalls of(SyscallTrace trace) {
        return trace == null ? Native.muxSyscalls() : new TracedSyscalls(Native.muxSyscalls(), trace);
    }

    /** Names fd's role in the lines that follow ({@link Multiplexer#describe}); null forgets it. */
    void role(int fd, String role) {
        trace.role(fd, role);
    }

    // ---- select ----

    @Override
    public int mk_select(int nfds, long readfds, long writefds, long timeoutNanos) {
        String in = fdSetText(readfds, nfds) + ", " + fdSetText(writefds, nfds);
        long start = System.nanoTime();
        int n = lib.mk_select(nfds, readfds, writefds, timeoutNanos);
        long took = System.nanoTime() - start;
        trace.line("pselect6(" + nfds + ", " + in + ", NULL, " + SyscallText.timespec(timeoutNanos) + ", NULL)" + SyscallText.result(n)
                + (n > 0 ? " (in " + fdSetText(readfds, nfds) + ", out " + fdSetText(writefds, nfds) + ")" : "")
                + SyscallText.took(took));
        return n;
    }

    /** A bitmap as strace writes it: [7 12]. */
    private String fdSetText(long address, int nfds) {
        NativeBuffer set = NativeBuffer.view(address, (nfds + 7) >> 3);
        StringBuilder s = new StringBuilder("[");
        int written = 0, total = 0;
        for (int fd = 0; fd < nfds; fd++) if (isSet(set, fd)) total++;
        for (int fd = 0; fd < nfds; fd++) {
            if (!isSet(set, fd)) continue;
            if (!SyscallText.room(s, written, total)) break;
            s.append(written++ == 0 ? "" : " ").append(trace.fd(fd));
        }
        return s.append(']').toString();
    }

    private static boolean isSet(NativeBuffer set, int fd) {
        return (set.getByte(fd >> 3) & (1 << (fd & 7))) != 0;
    }

    // ---- poll ----

    @Override
    public int mk_poll(long pollfds, int nfds, long timeoutNanos) {
        String in = pollfdsText(pollfds, nfds, false);
        long start = System.nanoTime();
        int n = lib.mk_poll(pollfds, nfds, timeoutNanos);
        long took = System.nanoTime() - start;
        trace.line("ppoll(" + in + ", " + nfds + ", " + SyscallText.timespec(timeoutNanos) + ", NULL, 8)" + SyscallText.result(n)
                + (n > 0 ? " (" + pollfdsText(pollfds, nfds, true) + ")" : "") + SyscallText.took(took));
        return n;
    }

    /** The array as strace writes it: every entry's events, or (after the call) the entries with revents. */
    private String pollfdsText(long address, int count, boolean revents) {
        int size = Native.POLLFD_SIZE, bitsAt = revents ? Native.POLLFD_REVENTS : Native.POLLFD_EVENTS;
        NativeBuffer pollfds = NativeBuffer.view(address, (long) Math.max(count, 0) * size);
        StringBuilder s = new StringBuilder("[");
        int total = 0, written = 0;
        for (int slot = 0; slot < count; slot++) if (!revents || pollfds.getShort((long) slot * size + bitsAt) != 0) total++;
        for (int slot = 0; slot < count; slot++) {
            long at = (long) slot * size;
            int bits = pollfds.getShort(at + bitsAt) & 0xffff;
            if (revents && bits == 0) continue;
            if (!SyscallText.room(s, written, total)) break;
            s.append(written++ == 0 ? "" : ", ").append("{fd=").append(trace.fd(pollfds.getInt(at + Native.POLLFD_FD)))
                    .append(revents ? ", revents=" : ", events=").append(SyscallText.pollEvents(bits)).append('}');
        }
        return s.append(']').toString();
    }

    // ---- epoll ----

    @Override
    public int mk_epoll_create1(int flags) {
        int fd = lib.mk_epoll_create1(flags);
        if (fd >= 0) trace.role(fd, "epoll");
        trace.line("epoll_create1(" + (flags == Native.EPOLL_CLOEXEC ? "EPOLL_CLOEXEC" : String.valueOf(flags)) + ")" + SyscallText.result(fd));
        return fd;
    }

    @Override
    public int mk_epoll_ctl(int epfd, int op, int fd, int events) {
        int rc = lib.mk_epoll_ctl(epfd, op, fd, events);
        String how = op == Native.EPOLL_CTL_ADD ? "EPOLL_CTL_ADD" : op == Native.EPOLL_CTL_MOD ? "EPOLL_CTL_MOD" : "EPOLL_CTL_DEL";
        trace.line("epoll_ctl(" + trace.fd(epfd) + ", " + how + ", " + trace.fd(fd) + ", "
                + (op == Native.EPOLL_CTL_DEL ? "NULL" : "{events=" + SyscallText.epollEvents(events) + ", data=" + fd + "}")
                + ")" + SyscallText.result(rc));
        return rc;
    }

    @Override
    public int mk_epoll_wait(int epfd, long address, int max, long timeoutNanos) {
        long start = System.nanoTime();
        int n = lib.mk_epoll_wait(epfd, address, max, timeoutNanos);
        long took = System.nanoTime() - start;
        NativeBuffer events = NativeBuffer.view(address, (long) Math.max(n, 0) * Native.EPOLL_EVENT_SIZE);
        StringBuilder ready = new StringBuilder("[");
        for (int i = 0; i < n && SyscallText.room(ready, i, n); i++) {
            long at = (long) i * Native.EPOLL_EVENT_SIZE;
            ready.append(i == 0 ? "" : ", ").append("{events=").append(SyscallText.epollEvents(events.getInt(at + Native.EPOLL_EVENT_EVENTS)))
                    .append(", data=").append(trace.fd(events.getInt(at + Native.EPOLL_EVENT_DATA))).append('}');
        }
        ready.append(']');
        // the shim calls epoll_pwait2 for a timeout to the nanosecond, epoll_wait for 0 and forever
        trace.line((timeoutNanos > 0 ? "epoll_pwait2(" : "epoll_wait(") + trace.fd(epfd) + ", " + (n > 0 ? ready : "[]") + ", " + max
                + ", " + (timeoutNanos > 0 ? SyscallText.timespec(timeoutNanos) + ", NULL" : String.valueOf(timeoutNanos)) + ")"
                + SyscallText.result(n) + SyscallText.took(took));
        return n;
    }

    // ---- io_uring ----

    @Override
    public int mk_uring_init(long ring, int entries, int cqEntries) {
        int fd = lib.mk_uring_init(ring, entries, cqEntries);
        ringSetUp(fd, false);
        trace.line("io_uring_setup(" + entries + ", {flags=" + setupFlags(ring, fd, "IORING_SETUP_CQSIZE|IORING_SETUP_SUBMIT_ALL|...")
                + ", cq_entries=" + cqEntries + "})" + SyscallText.result(fd) + (fd >= 0 ? " (and 3 mmaps of the rings)" : ""));
        return fd;
    }

    @Override
    public int mk_uring_init_completion(long ring, int entries, int cqEntries) {
        int fd = lib.mk_uring_init_completion(ring, entries, cqEntries);
        ringSetUp(fd, true);
        String flags = setupFlags(ring, fd, "IORING_SETUP_SINGLE_ISSUER|IORING_SETUP_DEFER_TASKRUN|...");
        trace.line("io_uring_setup(" + entries + ", {flags=" + flags + ", cq_entries=" + cqEntries + "})" + SyscallText.result(fd)
                + (fd >= 0 ? " (and 3 mmaps of the rings; the first io_uring_enter enables it on the loop's thread and registers its fd)" : ""));
        return fd;
    }

    /** The flags the kernel took (the shim tries several sets); after a failure, what was asked first. */
    private String setupFlags(long ring, int fd, String asked) {
        return fd < 0 ? asked : SyscallText.setupFlags(NativeBuffer.view(ring, ringSize).getInt(Native.URING_SETUP_FLAGS));
    }

    private void ringSetUp(int fd, boolean completion) {
        if (fd < 0) return;
        ringFd = fd;
        ringSize = lib.mk_uring_size();
        completionRing = completion;
        trace.role(fd, "io_uring");
    }

    @Override
    public int mk_uring_buffers(long ring, long ringMemory, int entries, int group, long base, int size) {
        int rc = lib.mk_uring_buffers(ring, ringMemory, entries, group, base, size);
        trace.line("io_uring_register(" + trace.fd(ringFd) + ", IORING_REGISTER_PBUF_RING, {ring_entries=" + entries + ", bgid=" + group
                + "}, 1)" + SyscallText.result(rc) + " (" + entries + " buffers of " + size + " B, all handed to the kernel)");
        return rc;
    }

    @Override
    public void mk_uring_exit(long ring) {
        lib.mk_uring_exit(ring);
        if (ringFd < 0) return;
        trace.line("close(" + trace.fd(ringFd) + ") = 0 (after munmap of the rings: every request in flight is cancelled)");
        trace.role(ringFd, null);
        ringFd = -1;
    }

    /** Used only for cancellations that cannot wait for the next wait: a poll holds its file until its POLL_REMOVE goes in. */
    @Override
    public int mk_uring_submit(long ring, long ops, int nops) {
        int rc = lib.mk_uring_submit(ring, ops, nops);
        NativeBuffer view = NativeBuffer.view(ring, ringSize);
        traceRequests(ops, nops, Ring.taken(view));
        int sqes = (int) view.getLong(Native.URING_SQES_WRITTEN);
        trace.line("io_uring_enter(" + trace.fd(ringFd) + ", to_submit=" + sqes + ", min_complete=0, flags=0)"
                + SyscallText.result(rc < 0 ? rc : sqes) + " (POLL_REMOVE goes in at once: a poll holds its file)");
        return rc;
    }

    /**
     * The requests the shim put in the ring, then the io_uring_enter it made (or that none was
     * needed), then the completions read: on a readiness ring in the enter's line, on a completion
     * ring a line each (there are many, and each says what it completed).
     */
    @Override
    public int mk_uring_wait(long ringAddress, long ops, int nops, long timeoutNanos, long cqeAddress, int max) {
        NativeBuffer ring = NativeBuffer.view(ringAddress, ringSize);
        long entersBefore = Ring.enters(ring), submittedBefore = Ring.submitted(ring), start = System.nanoTime();
        int n = lib.mk_uring_wait(ringAddress, ops, nops, timeoutNanos, cqeAddress, max);
        long took = System.nanoTime() - start;
        long enters = Ring.enters(ring) - entersBefore, taken = Ring.submitted(ring) - submittedBefore;
        traceRequests(ops, nops, Ring.taken(ring));
        NativeBuffer cqes = NativeBuffer.view(cqeAddress, (long) Math.max(n, 0) * Native.CQE_SIZE);
        long sqes = ring.getLong(Native.URING_SQES_WRITTEN);
        // a completion ring's wait may wait for a batch, for any one once min_wait_usec passed (see native/uring.c)
        int minComplete = ring.getInt(Native.URING_MIN_COMPLETE), minWait = ring.getInt(Native.URING_MIN_WAIT_USEC);
        boolean batched = minComplete > 1;
        String call = enters == 0 ? "(no io_uring_enter: " + sqes + " to submit, the completion queue read from shared memory)"
                : "io_uring_enter(" + trace.fd(ringFd) + ", to_submit=" + sqes + ", min_complete=" + minComplete
                  + ", flags=IORING_ENTER_GETEVENTS" + (timeoutNanos == 0 ? "" : "|IORING_ENTER_EXT_ARG, {ts=" + SyscallText.timespec(timeoutNanos)
                  + (batched ? ", min_wait_usec=" + minWait : "") + "}") + ")" + (n < 0 ? SyscallText.result(n) : " = " + taken)
                  + (enters > 1 ? " (" + enters + " calls: the submission queue filled)" : "");
        if (completionRing) {
            trace.line(call + (n >= 0 ? " -> " + n + (n == 1 ? " CQE" : " CQEs") : "") + SyscallText.took(took));
            for (int i = 0; i < n; i++) {
                long at = (long) i * Native.CQE_SIZE;
                trace.line("CQE " + cqeText(cqes.getLong(at + Native.CQE_USER_DATA), cqes.getInt(at + Native.CQE_RES), cqes.getInt(at + Native.CQE_FLAGS)));
            }
            return n;
        }
        StringBuilder cq = new StringBuilder();
        for (int i = 0; i < n && SyscallText.room(cq, i, n); i++) {
            long at = (long) i * Native.CQE_SIZE, userData = cqes.getLong(at + Native.CQE_USER_DATA);
            int res = cqes.getInt(at + Native.CQE_RES), flags = cqes.getInt(at + Native.CQE_FLAGS);
            cq.append(i == 0 ? "" : ", ").append("{user_data=").append(userData < 0 ? "POLL_REMOVE" : "fd " + trace.fd(Ring.fd(userData))
                    + " gen " + Ring.tag(userData)).append(", res=").append(res < 0 ? SyscallText.result(res).substring(3) : SyscallText.pollEvents(res))
                    .append((flags & Ring.MORE) != 0 ? ", flags=IORING_CQE_F_MORE" : "").append('}');
        }
        trace.line(call + (n > 0 ? " -> CQEs [" + cq + "]" : "") + SyscallText.took(took));
        return n;
    }

    /** A completion: what it completes (from its user_data), its result and flags. */
    private String cqeText(long userData, int res, int flags) {
        int kind = Ring.kind(userData);
        String what = kind < 0 ? "(acknowledgement of a POLL_REMOVE, ASYNC_CANCEL or CLOSE)"
                : kind == Ring.POLL ? "POLL_ADD fd=" + trace.fd(Ring.fd(userData)) + " gen " + Ring.tag(userData)
                : SyscallText.opcode(kind) + " fd=" + trace.fd(Ring.fd(userData)) + " slot " + Ring.tag(userData);
        String result = res < 0 ? SyscallText.result(res).substring(3) : kind == Ring.POLL ? SyscallText.pollEvents(res) : String.valueOf(res);
        String flagText = ((flags & Ring.MORE) != 0 ? "MORE" : "") + ((flags & Ring.BUFFER) != 0 ? ((flags & Ring.MORE) != 0 ? "|" : "") + "BUFFER" : "");
        return what + " res=" + result + (flagText.isEmpty() ? "" : " flags=" + flagText)
                + ((flags & Ring.BUFFER) != 0 ? " (buffer " + Ring.bufferId(flags) + ")" : "")
                + (kind == Ring.ACCEPT && res >= 0 ? " (a new connection, fd " + res + ")" : "");
    }

    /** One line per request the last call put in the ring (the first `taken` ops), before the enter that submits them. */
    private void traceRequests(long address, int nops, int taken) {
        NativeBuffer ops = NativeBuffer.view(address, (long) nops * Native.URING_OP_SIZE);
        StringBuilder buffers = new StringBuilder();
        int given = 0;
        for (int i = 0; i < taken; i++) {
            long at = (long) i * Native.URING_OP_SIZE, userData = ops.getLong(at + Native.URING_OP_USER_DATA);
            int kind = ops.getInt(at + Native.URING_OP_KIND), fd = ops.getInt(at + Native.URING_OP_FD);
            if (kind == Native.URING_BUFFER) {
                if (SyscallText.room(buffers, given, given + 1)) buffers.append(given == 0 ? "" : " ").append(ops.getInt(at + Native.URING_OP_ARG));
                given++;
            } else if (kind == Native.URING_REMOVE) {
                trace.line("SQE POLL_REMOVE user_data=fd " + trace.fd(Ring.fd(userData)) + " gen " + Ring.tag(userData) + " (queued)");
            } else if (kind == Native.URING_ADD || kind == Native.URING_ADD_MULTI) {
                trace.line("SQE POLL_ADD" + (kind == Native.URING_ADD_MULTI ? " (multishot)" : "") + " fd=" + trace.fd(fd) + " mask="
                        + SyscallText.pollEvents(ops.getInt(at + Native.URING_OP_EVENTS)) + " user_data=fd " + fd + " gen " + Ring.tag(userData)
                        + " (queued for the next io_uring_enter)");
            } else if (kind == Native.URING_ACCEPT_MULTI || kind == Native.URING_RECV_MULTI || kind == Native.URING_SEND) {
                trace.line("SQE " + SyscallText.opcode(kind) + (kind == Native.URING_SEND ? "" : " (multishot" + (kind == Native.URING_RECV_MULTI
                        ? ", a buffer of group " + ops.getInt(at + Native.URING_OP_ARG) + " each)" : ")")) + " fd=" + trace.fd(fd)
                        + (kind == Native.URING_SEND ? " len=" + ops.getInt(at + Native.URING_OP_EVENTS) + " flags=MSG_NOSIGNAL" : "")
                        + " user_data=slot " + Ring.tag(userData));
            } else if (kind == Native.URING_CANCEL) {
                trace.line(ops.getInt(at + Native.URING_OP_ARG) != 0 ? "SQE ASYNC_CANCEL (IORING_ASYNC_CANCEL_ANY|ALL: everything in flight)"
                        : "SQE ASYNC_CANCEL user_data=" + SyscallText.opcode(Ring.kind(userData)) + " fd " + trace.fd(Ring.fd(userData))
                          + " slot " + Ring.tag(userData));
            } else if (kind == Native.URING_CANCEL_CLOSE) {
                trace.line("SQE ASYNC_CANCEL fd=" + trace.fd(fd) + " (IORING_ASYNC_CANCEL_FD|ALL) -> (hard link) SQE CLOSE fd=" + trace.fd(fd));
            }
        }
        if (given > 0) trace.line("buffers back to the ring: " + given + " [" + buffers + "]");
    }

    // ---- the wakeup eventfd, fd checks, close ----

    @Override
    public int mk_eventfd(int initval, int flags) {
        int fd = lib.mk_eventfd(initval, flags);
        if (fd >= 0) trace.role(fd, "wakeup");  // the one eventfd a multiplexer makes
        trace.line("eventfd2(" + initval + ", " + SyscallText.eventfdFlags(flags) + ")" + SyscallText.result(fd));
        return fd;
    }

    @Override
    public int mk_eventfd_write(int fd, long value) {
        int rc = lib.mk_eventfd_write(fd, value);
        trace.line("write(" + trace.fd(fd) + ", [" + value + "], 8)" + SyscallText.result(rc < 0 ? rc : 8));
        return rc;
    }

    @Override
    public long mk_eventfd_read(int fd) {
        long count = lib.mk_eventfd_read(fd);
        trace.line("read(" + trace.fd(fd) + ", [" + Math.max(count, 0) + "], 8)" + SyscallText.result(count < 0 ? count : 8));
        return count;
    }

    @Override
    public int mk_fd_flags(int fd) {
        int rc = lib.mk_fd_flags(fd);
        trace.line("fcntl(" + trace.fd(fd) + ", F_GETFD)" + SyscallText.result(rc));
        return rc;
    }

    @Override
    public int mk_close(int fd) {
        int rc = lib.mk_close(fd);
        trace.line("close(" + trace.fd(fd) + ")" + SyscallText.result(rc));
        trace.role(fd, null);
        return rc;
    }

    // ---- no syscalls: passed on as they are ----

    @Override
    public int mk_fdset_bytes(int nfds) {
        return lib.mk_fdset_bytes(nfds);
    }

    @Override
    public int mk_fdset_add(long set, int bytes, int fd) {
        return lib.mk_fdset_add(set, bytes, fd);
    }

    @Override
    public int mk_fdset_remove(long set, int bytes, int fd) {
        return lib.mk_fdset_remove(set, bytes, fd);
    }

    @Override
    public int mk_fdset_ready(long readfds, long writefds, int nfds, long fds, long ops, int max) {
        return lib.mk_fdset_ready(readfds, writefds, nfds, fds, ops, max);
    }

    @Override
    public long mk_uring_size() {
        return lib.mk_uring_size();
    }
}
