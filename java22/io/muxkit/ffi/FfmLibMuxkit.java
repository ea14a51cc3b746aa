package io.muxkit.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The shim through java.lang.foreign: one downcall handle per C function, bound once, in static
 * finals (so that the JIT links each invokeExact like a direct call). Pointers go to C as longs
 * (an address is an integer on x86_64, the shim's one platform), so a call makes no segment.
 * <p>
 * Three kinds of downcall:
 * <ul>
 * <li>critical, for calls that neither block nor call back (the fd_set bitmaps, the ready arrays,
 *   send and peek on nonblocking sockets, fcntl, epoll_ctl, eventfds, close): no thread-state
 *   transition, as jnr-ffi's fast path (errno not saved: IgnoreError);</li>
 * <li>critical with heap access, for nonblocking socket calls on a Java array, which C then reads
 *   or writes in place, with no copy;</li>
 * <li>plain, for calls that can block (the waits, connect, open, fsync, pread, getdents, and read,
 *   write and sendfile by address, which serve files too): the garbage collector can run meanwhile,
 *   so their arrays and strings are copied through this thread's {@link FfmScratch}.</li>
 * </ul>
 * Strings go in as UTF-8 and come back (const char *) read as UTF-8, as on jnr-ffi.
 */
final class FfmLibMuxkit implements LibMuxkit {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout I = JAVA_INT, L = JAVA_LONG, A = ADDRESS;
    private static final int STAT_LONGS = 8;  // mk_fstat's and mk_fstatat's out[8]

    /** name's downcall handle: pointers as longs, so options alone tell the three kinds apart. */
    private static MethodHandle bind(String name, MemoryLayout result, MemoryLayout[] args, Linker.Option... options) {
        MemorySegment symbol = FfmBinding.shim.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name));
        FunctionDescriptor descriptor = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static MethodHandle critical(String name, MemoryLayout result, MemoryLayout... args) {
        return bind(name, result, args, Linker.Option.critical(false));
    }

    private static MethodHandle heap(String name, MemoryLayout result, MemoryLayout... args) {
        return bind(name, result, args, Linker.Option.critical(true));
    }

    private static MethodHandle blocking(String name, MemoryLayout result, MemoryLayout... args) {
        return bind(name, result, args);
    }

    // constants.c, faults.c, threads.c
    private static final MethodHandle CONST = critical("mk_const", L, A);
    private static final MethodHandle ERRNO_NAME = critical("mk_errno_name", L, I);
    private static final MethodHandle STRERROR = critical("mk_strerror", L, I);
    private static final MethodHandle FAULTS_ERROR = critical("mk_faults_error", L);
    private static final MethodHandle FAULTS_DESCRIPTION = critical("mk_faults_description", L);
    private static final MethodHandle FAULTS_SEED = critical("mk_faults_seed", L);
    private static final MethodHandle FAULTS_INJECTED = critical("mk_faults_injected", L);
    private static final MethodHandle GETTID = critical("mk_gettid", I);
    private static final MethodHandle TGKILL = critical("mk_tgkill", I, I, I);

    // select.c, poll.c, epoll.c, uring.c: the waits block
    private static final MethodHandle FDSET_BYTES = critical("mk_fdset_bytes", I, I);
    private static final MethodHandle FDSET_ADD = critical("mk_fdset_add", I, L, I, I);
    private static final MethodHandle FDSET_REMOVE = critical("mk_fdset_remove", I, L, I, I);
    private static final MethodHandle SELECT = blocking("mk_select", I, I, L, L, L);
    private static final MethodHandle FDSET_READY = critical("mk_fdset_ready", I, L, L, I, L, L, I);
    private static final MethodHandle POLL = blocking("mk_poll", I, L, I, L);
    private static final MethodHandle EPOLL_CREATE1 = critical("mk_epoll_create1", I, I);
    private static final MethodHandle EPOLL_CTL = critical("mk_epoll_ctl", I, I, I, I, I);
    private static final MethodHandle EPOLL_WAIT = blocking("mk_epoll_wait", I, I, L, I, L);
    private static final MethodHandle URING_SIZE = critical("mk_uring_size", L);
    private static final MethodHandle URING_INIT = blocking("mk_uring_init", I, L, I, I);
    private static final MethodHandle URING_INIT_COMPLETION = blocking("mk_uring_init_completion", I, L, I, I);
    private static final MethodHandle URING_BUFFERS = blocking("mk_uring_buffers", I, L, L, I, I, L, I);
    private static final MethodHandle URING_EXIT = blocking("mk_uring_exit", null, L);
    // io_uring_enter without IORING_ENTER_GETEVENTS: hands the requests over, never waits
    private static final MethodHandle URING_SUBMIT = critical("mk_uring_submit", I, L, L, I);
    private static final MethodHandle URING_WAIT = blocking("mk_uring_wait", I, L, L, I, L, L, I);

    // fds.c: eventfds are nonblocking (the wakeup), so are the fds read and written here
    private static final MethodHandle OPEN = blocking("mk_open", I, A, I);
    private static final MethodHandle CLOSE = critical("mk_close", I, I);
    private static final MethodHandle DUP2 = critical("mk_dup2", I, I, I);
    private static final MethodHandle FD_FLAGS = critical("mk_fd_flags", I, I);
    private static final MethodHandle PIPE2 = heap("mk_pipe2", I, A, I);
    private static final MethodHandle EVENTFD = critical("mk_eventfd", I, I, I);
    private static final MethodHandle EVENTFD_WRITE = critical("mk_eventfd_write", I, I, L);
    private static final MethodHandle EVENTFD_READ = critical("mk_eventfd_read", L, I);
    // by address, read and write serve regular files too (an upload's writes, the cache's reads), where the disk can
    // hold a call up; a critical call held up would hold up every safepoint, and every thread with it
    private static final MethodHandle READ = blocking("mk_read", L, I, L, L);
    private static final MethodHandle WRITE = blocking("mk_write", L, I, L, L);
    private static final MethodHandle READ_ARRAY = heap("mk_read", L, I, A, L);
    private static final MethodHandle WRITE_ARRAY = heap("mk_write", L, I, A, L);

    // net.c: sockets are nonblocking; connect is plain all the same (a blocking socket would wait in it)
    private static final MethodHandle SOCKET = critical("mk_socket", I, I, I, I);
    private static final MethodHandle SOCKETPAIR = heap("mk_socketpair", I, I, I, A);
    private static final MethodHandle BIND = critical("mk_bind", I, I, A, I);
    private static final MethodHandle CONNECT = blocking("mk_connect", I, I, A, I);
    private static final MethodHandle LISTEN = critical("mk_listen", I, I, I);
    private static final MethodHandle ACCEPT4 = critical("mk_accept4", I, I, I);
    private static final MethodHandle LOCAL_PORT = critical("mk_local_port", I, I);
    private static final MethodHandle PEER_ADDRESS = heap("mk_peer_address", I, I, A, I);
    private static final MethodHandle SHUTDOWN = critical("mk_shutdown", I, I, I);
    private static final MethodHandle SETSOCKOPT_INT = critical("mk_setsockopt_int", I, I, I, I, I);
    private static final MethodHandle GETSOCKOPT_INT = critical("mk_getsockopt_int", I, I, I, I);
    private static final MethodHandle PEEK = critical("mk_peek", L, I, L, L);
    private static final MethodHandle SEND = critical("mk_send", L, I, L, L, I);
    private static final MethodHandle SENDFILE = blocking("mk_sendfile", L, I, I, L, L);  // reads a file: the disk

    // files.c: path lookups, directory reads, fsync and pread may wait on a disk
    private static final MethodHandle OPEN_DIR = blocking("mk_open_dir", I, A);
    private static final MethodHandle OPENAT_BENEATH = blocking("mk_openat_beneath", I, I, A, I, I, I);
    private static final MethodHandle FSTAT = heap("mk_fstat", I, I, A);
    private static final MethodHandle FSTATAT = blocking("mk_fstatat", I, I, A, A);
    private static final MethodHandle GETDENTS = blocking("mk_getdents", I, I, L, I);
    private static final MethodHandle INOTIFY_INIT = critical("mk_inotify_init", I);
    private static final MethodHandle INOTIFY_WATCH_FD = blocking("mk_inotify_watch_fd", I, I, I, I);
    private static final MethodHandle INOTIFY_RM_WATCH = critical("mk_inotify_rm_watch", I, I, I);
    private static final MethodHandle FSYNC = blocking("mk_fsync", I, I);
    private static final MethodHandle PREAD = blocking("mk_pread", L, I, A, L, L);
    private static final MethodHandle OPEN_TMPFILE = blocking("mk_open_tmpfile", I, I, I);
    private static final MethodHandle LINK_FD = blocking("mk_link_fd", I, I, I, A);
    private static final MethodHandle RENAMEAT = blocking("mk_renameat", I, I, A, A);
    private static final MethodHandle UNLINKAT = blocking("mk_unlinkat", I, I, A);

    /** A downcall throws nothing of its own: anything caught is a bug, passed on unchecked. */
    static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        throw new IllegalStateException(e);
    }

    private static MemorySegment array(byte[] a, long len) {
        Objects.checkFromIndexSize(0, len, a.length);  // C moves len bytes: never past the array
        return MemorySegment.ofArray(a);
    }

    @Override public long mk_const(String name) {
        try { return (long) CONST.invokeExact(FfmScratch.begin().string(name)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public String mk_errno_name(int err) {
        try { return FfmMemory.string((long) ERRNO_NAME.invokeExact(err)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public String mk_strerror(int err) {
        try { return FfmMemory.string((long) STRERROR.invokeExact(err)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public String mk_faults_error() {
        try { return FfmMemory.string((long) FAULTS_ERROR.invokeExact()); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public String mk_faults_description() {
        try { return FfmMemory.string((long) FAULTS_DESCRIPTION.invokeExact()); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_faults_seed() {
        try { return (long) FAULTS_SEED.invokeExact(); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_faults_injected() {
        try { return (long) FAULTS_INJECTED.invokeExact(); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_gettid() {
        try { return (int) GETTID.invokeExact(); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_tgkill(int tid, int sig) {
        try { return (int) TGKILL.invokeExact(tid, sig); } catch (Throwable e) { throw unexpected(e); }
    }

    // MuxSyscalls
    @Override public int mk_fdset_bytes(int nfds) {
        try { return (int) FDSET_BYTES.invokeExact(nfds); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fdset_add(long set, int bytes, int fd) {
        try { return (int) FDSET_ADD.invokeExact(set, bytes, fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fdset_remove(long set, int bytes, int fd) {
        try { return (int) FDSET_REMOVE.invokeExact(set, bytes, fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_select(int nfds, long readfds, long writefds, long timeoutNanos) {
        try { return (int) SELECT.invokeExact(nfds, readfds, writefds, timeoutNanos); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fdset_ready(long readfds, long writefds, int nfds, long fds, long ops, int max) {
        try { return (int) FDSET_READY.invokeExact(readfds, writefds, nfds, fds, ops, max); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_poll(long pollfds, int nfds, long timeoutNanos) {
        try { return (int) POLL.invokeExact(pollfds, nfds, timeoutNanos); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_epoll_create1(int flags) {
        try { return (int) EPOLL_CREATE1.invokeExact(flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_epoll_ctl(int epfd, int op, int fd, int events) {
        try { return (int) EPOLL_CTL.invokeExact(epfd, op, fd, events); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_epoll_wait(int epfd, long events, int max, long timeoutNanos) {
        try { return (int) EPOLL_WAIT.invokeExact(epfd, events, max, timeoutNanos); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_uring_size() {
        try { return (long) URING_SIZE.invokeExact(); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_uring_init(long ring, int entries, int cqEntries) {
        try { return (int) URING_INIT.invokeExact(ring, entries, cqEntries); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_uring_init_completion(long ring, int entries, int cqEntries) {
        try { return (int) URING_INIT_COMPLETION.invokeExact(ring, entries, cqEntries); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_uring_buffers(long ring, long ringMemory, int entries, int group, long base, int size) {
        try { return (int) URING_BUFFERS.invokeExact(ring, ringMemory, entries, group, base, size); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public void mk_uring_exit(long ring) {
        try { URING_EXIT.invokeExact(ring); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_uring_submit(long ring, long ops, int nops) {
        try { return (int) URING_SUBMIT.invokeExact(ring, ops, nops); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_uring_wait(long ring, long ops, int nops, long timeoutNanos, long cqes, int max) {
        try { return (int) URING_WAIT.invokeExact(ring, ops, nops, timeoutNanos, cqes, max); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_eventfd(int initval, int flags) {
        try { return (int) EVENTFD.invokeExact(initval, flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_eventfd_write(int fd, long value) {
        try { return (int) EVENTFD_WRITE.invokeExact(fd, value); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_eventfd_read(int fd) {
        try { return (long) EVENTFD_READ.invokeExact(fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fd_flags(int fd) {
        try { return (int) FD_FLAGS.invokeExact(fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_close(int fd) {
        try { return (int) CLOSE.invokeExact(fd); } catch (Throwable e) { throw unexpected(e); }
    }

    // files
    @Override public int mk_open(String path, int flags) {
        try { return (int) OPEN.invokeExact(FfmScratch.begin().string(path), flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_open_dir(String path) {
        try { return (int) OPEN_DIR.invokeExact(FfmScratch.begin().string(path)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fstat(int fd, long[] out) {
        Objects.checkFromIndexSize(0, STAT_LONGS, out.length);
        try { return (int) FSTAT.invokeExact(fd, MemorySegment.ofArray(out)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_openat_beneath(int dirfd, byte[] path, int flags, int mode, int resolve) {
        try {
            return (int) OPENAT_BENEATH.invokeExact(dirfd, FfmScratch.begin().copy(path), flags, mode, resolve);
        } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fstatat(int dirfd, byte[] name, long[] out) {
        Objects.checkFromIndexSize(0, STAT_LONGS, out.length);
        FfmScratch scratch = FfmScratch.begin();
        MemorySegment stat = scratch.allocate(JAVA_LONG, STAT_LONGS);
        int rc;
        try { rc = (int) FSTATAT.invokeExact(dirfd, scratch.copy(name), stat); } catch (Throwable e) { throw unexpected(e); }
        MemorySegment.copy(stat, JAVA_LONG, 0, out, 0, STAT_LONGS);
        return rc;
    }
    @Override public int mk_getdents(int dirfd, long buf, int len) {
        try { return (int) GETDENTS.invokeExact(dirfd, buf, len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_inotify_init() {
        try { return (int) INOTIFY_INIT.invokeExact(); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_inotify_watch_fd(int ifd, int dirfd, int mask) {
        try { return (int) INOTIFY_WATCH_FD.invokeExact(ifd, dirfd, mask); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_inotify_rm_watch(int ifd, int wd) {
        try { return (int) INOTIFY_RM_WATCH.invokeExact(ifd, wd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_fsync(int fd) {
        try { return (int) FSYNC.invokeExact(fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_pread(int fd, byte[] buf, long len, long offset) {
        Objects.checkFromIndexSize(0, len, buf.length);
        MemorySegment into = FfmScratch.begin().allocate(len);
        long n;
        try { n = (long) PREAD.invokeExact(fd, into, len, offset); } catch (Throwable e) { throw unexpected(e); }
        if (n > 0) MemorySegment.copy(into, JAVA_BYTE, 0, buf, 0, (int) n);
        return n;
    }
    @Override public int mk_open_tmpfile(int dirfd, int mode) {
        try { return (int) OPEN_TMPFILE.invokeExact(dirfd, mode); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_link_fd(int fd, int dirfd, String name) {
        try { return (int) LINK_FD.invokeExact(fd, dirfd, FfmScratch.begin().string(name)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_renameat(int dirfd, String from, String to) {
        FfmScratch scratch = FfmScratch.begin();
        try { return (int) RENAMEAT.invokeExact(dirfd, scratch.string(from), scratch.string(to)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_unlinkat(int dirfd, String name) {
        try { return (int) UNLINKAT.invokeExact(dirfd, FfmScratch.begin().string(name)); } catch (Throwable e) { throw unexpected(e); }
    }

    // fds
    @Override public int mk_dup2(int oldfd, int newfd) {
        try { return (int) DUP2.invokeExact(oldfd, newfd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_pipe2(int[] fds, int flags) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        try { return (int) PIPE2.invokeExact(MemorySegment.ofArray(fds), flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_read(int fd, long address, long len) {
        try { return (long) READ.invokeExact(fd, address, len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_peek(int fd, long address, long len) {
        try { return (long) PEEK.invokeExact(fd, address, len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_write(int fd, long address, long len) {
        try { return (long) WRITE.invokeExact(fd, address, len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_send(int fd, long address, long len, int flags) {
        try { return (long) SEND.invokeExact(fd, address, len, flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_read(int fd, byte[] buf, long len) {
        try { return (long) READ_ARRAY.invokeExact(fd, array(buf, len), len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_write(int fd, byte[] buf, long len) {
        try { return (long) WRITE_ARRAY.invokeExact(fd, array(buf, len), len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public long mk_sendfile(int outFd, int inFd, long offset, long count) {
        try { return (long) SENDFILE.invokeExact(outFd, inFd, offset, count); } catch (Throwable e) { throw unexpected(e); }
    }

    // sockets
    @Override public int mk_socket(int domain, int type, int protocol) {
        try { return (int) SOCKET.invokeExact(domain, type, protocol); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_socketpair(int domain, int type, int[] fds) {
        Objects.checkFromIndexSize(0, 2, fds.length);
        try { return (int) SOCKETPAIR.invokeExact(domain, type, MemorySegment.ofArray(fds)); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_bind(int fd, String ip, int port) {
        try { return (int) BIND.invokeExact(fd, FfmScratch.begin().string(ip), port); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_connect(int fd, String ip, int port) {
        try { return (int) CONNECT.invokeExact(fd, FfmScratch.begin().string(ip), port); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_listen(int fd, int backlog) {
        try { return (int) LISTEN.invokeExact(fd, backlog); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_accept4(int fd, int flags) {
        try { return (int) ACCEPT4.invokeExact(fd, flags); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_local_port(int fd) {
        try { return (int) LOCAL_PORT.invokeExact(fd); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_peer_address(int fd, byte[] buf, int len) {
        try { return (int) PEER_ADDRESS.invokeExact(fd, array(buf, len), len); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_shutdown(int fd, int how) {
        try { return (int) SHUTDOWN.invokeExact(fd, how); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_setsockopt_int(int fd, int level, int name, int value) {
        try { return (int) SETSOCKOPT_INT.invokeExact(fd, level, name, value); } catch (Throwable e) { throw unexpected(e); }
    }
    @Override public int mk_getsockopt_int(int fd, int level, int name) {
        try { return (int) GETSOCKOPT_INT.invokeExact(fd, level, name); } catch (Throwable e) { throw unexpected(e); }
    }
}
