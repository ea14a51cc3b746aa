package io.muxkit.ffi;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The shim as the jnr binding calls it: every function through the implementation jnr-ffi
 * generates (its x86-64 stub, the fast path), except the three of six arguments. jnr-ffi 2.2's stub
 * passes the fifth and sixth arguments wrong when they are all ints and longs (mk_fdset_ready finds
 * nothing; with Pointer arguments, as before, jnr-ffi never used the stub for them), so those three
 * go through jffi's invoker, the path jnr-ffi itself takes when its stub does not apply. Nothing
 * here allocates.
 */
final class JnrLibMuxkit implements LibMuxkit {
    private static final Invoker INVOKER = Invoker.getInstance();
    // int f(6 x 64-bit slots): jffi widens nothing, and C reads an int argument from a slot's low half
    private static final CallContext SIX = CallContext.getCallContext(Type.SINT,
            new Type[] { Type.POINTER, Type.POINTER, Type.SINT, Type.POINTER, Type.POINTER, Type.SINT },
            CallingConvention.DEFAULT, false);
    private static final CallContext URING_WAIT = CallContext.getCallContext(Type.SINT,
            new Type[] { Type.POINTER, Type.POINTER, Type.SINT, Type.SINT64, Type.POINTER, Type.SINT },
            CallingConvention.DEFAULT, false);

    private static final CallContext URING_BUFFERS = CallContext.getCallContext(Type.SINT,
            new Type[] { Type.POINTER, Type.POINTER, Type.SINT, Type.SINT, Type.POINTER, Type.SINT },
            CallingConvention.DEFAULT, false);

    private final LibMuxkit lib;
    private final Library handle;  // held: a jffi Library that is collected unloads its library
    private final long fdsetReady, uringWait, uringBuffers;

    JnrLibMuxkit(LibMuxkit lib, String library) {
        this.lib = lib;
        this.handle = Library.getCachedInstance(library, Library.LAZY | Library.LOCAL);
        if (handle == null) throw new UnsatisfiedLinkError(Library.getLastError());
        this.fdsetReady = symbol(handle, "mk_fdset_ready");
        this.uringWait = symbol(handle, "mk_uring_wait");
        this.uringBuffers = symbol(handle, "mk_uring_buffers");
    }

    private static long symbol(Library handle, String name) {
        long address = handle.getSymbolAddress(name);
        if (address == 0) throw new UnsatisfiedLinkError(name + ": " + Library.getLastError());
        return address;
    }

    @Override
    public int mk_fdset_ready(long readfds, long writefds, int nfds, long fds, long ops, int max) {
        return (int) INVOKER.invokeN6(SIX, fdsetReady, readfds, writefds, nfds, fds, ops, max);
    }

    @Override
    public int mk_uring_wait(long ring, long ops, int nops, long timeoutNanos, long cqes, int max) {
        return (int) INVOKER.invokeN6(URING_WAIT, uringWait, ring, ops, nops, timeoutNanos, cqes, max);
    }

    @Override
    public int mk_uring_buffers(long ring, long ringMemory, int entries, int group, long base, int size) {
        return (int) INVOKER.invokeN6(URING_BUFFERS, uringBuffers, ring, ringMemory, entries, group, base, size);
    }

    // ---- the rest: as jnr-ffi generated them ----

    @Override public int mk_fdset_bytes(int nfds) { return lib.mk_fdset_bytes(nfds); }
    @Override public int mk_fdset_add(long set, int bytes, int fd) { return lib.mk_fdset_add(set, bytes, fd); }
    @Override public int mk_fdset_remove(long set, int bytes, int fd) { return lib.mk_fdset_remove(set, bytes, fd); }
    @Override public int mk_select(int nfds, long readfds, long writefds, long timeoutNanos) { return lib.mk_select(nfds, readfds, writefds, timeoutNanos); }
    @Override public int mk_poll(long pollfds, int nfds, long timeoutNanos) { return lib.mk_poll(pollfds, nfds, timeoutNanos); }
    @Override public int mk_epoll_create1(int flags) { return lib.mk_epoll_create1(flags); }
    @Override public int mk_epoll_ctl(int epfd, int op, int fd, int events) { return lib.mk_epoll_ctl(epfd, op, fd, events); }
    @Override public int mk_epoll_wait(int epfd, long events, int max, long timeoutNanos) { return lib.mk_epoll_wait(epfd, events, max, timeoutNanos); }
    @Override public long mk_uring_size() { return lib.mk_uring_size(); }
    @Override public int mk_uring_init(long ring, int entries, int cqEntries) { return lib.mk_uring_init(ring, entries, cqEntries); }
    @Override public int mk_uring_init_completion(long ring, int entries, int cqEntries) { return lib.mk_uring_init_completion(ring, entries, cqEntries); }
    @Override public void mk_uring_exit(long ring) { lib.mk_uring_exit(ring); }
    @Override public int mk_uring_submit(long ring, long ops, int nops) { return lib.mk_uring_submit(ring, ops, nops); }
    @Override public int mk_eventfd(int initval, int flags) { return lib.mk_eventfd(initval, flags); }
    @Override public int mk_eventfd_write(int fd, long value) { return lib.mk_eventfd_write(fd, value); }
    @Override public long mk_eventfd_read(int fd) { return lib.mk_eventfd_read(fd); }
    @Override public int mk_fd_flags(int fd) { return lib.mk_fd_flags(fd); }
    @Override public int mk_close(int fd) { return lib.mk_close(fd); }
    @Override public long mk_const(String name) { return lib.mk_const(name); }
    @Override public String mk_errno_name(int err) { return lib.mk_errno_name(err); }
    @Override public String mk_strerror(int err) { return lib.mk_strerror(err); }
    @Override public String mk_faults_error() { return lib.mk_faults_error(); }
    @Override public String mk_faults_description() { return lib.mk_faults_description(); }
    @Override public long mk_faults_seed() { return lib.mk_faults_seed(); }
    @Override public long mk_faults_injected() { return lib.mk_faults_injected(); }
    @Override public int mk_gettid() { return lib.mk_gettid(); }
    @Override public int mk_tgkill(int tid, int sig) { return lib.mk_tgkill(tid, sig); }
    @Override public int mk_open(String path, int flags) { return lib.mk_open(path, flags); }
    @Override public int mk_open_dir(String path) { return lib.mk_open_dir(path); }
    @Override public int mk_fstat(int fd, long[] out) { return lib.mk_fstat(fd, out); }
    @Override public int mk_openat_beneath(int dirfd, byte[] path, int flags, int mode, int resolve) { return lib.mk_openat_beneath(dirfd, path, flags, mode, resolve); }
    @Override public int mk_fstatat(int dirfd, byte[] name, long[] out) { return lib.mk_fstatat(dirfd, name, out); }
    @Override public int mk_getdents(int dirfd, long buf, int len) { return lib.mk_getdents(dirfd, buf, len); }
    @Override public int mk_inotify_init() { return lib.mk_inotify_init(); }
    @Override public int mk_inotify_watch_fd(int ifd, int dirfd, int mask) { return lib.mk_inotify_watch_fd(ifd, dirfd, mask); }
    @Override public int mk_inotify_rm_watch(int ifd, int wd) { return lib.mk_inotify_rm_watch(ifd, wd); }
    @Override public int mk_fsync(int fd) { return lib.mk_fsync(fd); }
    @Override public long mk_pread(int fd, byte[] buf, long len, long offset) { return lib.mk_pread(fd, buf, len, offset); }
    @Override public int mk_open_tmpfile(int dirfd, int mode) { return lib.mk_open_tmpfile(dirfd, mode); }
    @Override public int mk_link_fd(int fd, int dirfd, String name) { return lib.mk_link_fd(fd, dirfd, name); }
    @Override public int mk_renameat(int dirfd, String from, String to) { return lib.mk_renameat(dirfd, from, to); }
    @Override public int mk_unlinkat(int dirfd, String name) { return lib.mk_unlinkat(dirfd, name); }
    @Override public int mk_dup2(int oldfd, int newfd) { return lib.mk_dup2(oldfd, newfd); }
    @Override public int mk_pipe2(int[] fds, int flags) { return lib.mk_pipe2(fds, flags); }
    @Override public long mk_read(int fd, long address, long len) { return lib.mk_read(fd, address, len); }
    @Override public long mk_peek(int fd, long address, long len) { return lib.mk_peek(fd, address, len); }
    @Override public long mk_write(int fd, long address, long len) { return lib.mk_write(fd, address, len); }
    @Override public long mk_send(int fd, long address, long len, int flags) { return lib.mk_send(fd, address, len, flags); }
    @Override public long mk_read(int fd, byte[] buf, long len) { return lib.mk_read(fd, buf, len); }
    @Override public long mk_write(int fd, byte[] buf, long len) { return lib.mk_write(fd, buf, len); }
    @Override public long mk_sendfile(int outFd, int inFd, long offset, long count) { return lib.mk_sendfile(outFd, inFd, offset, count); }
    @Override public int mk_socket(int domain, int type, int protocol) { return lib.mk_socket(domain, type, protocol); }
    @Override public int mk_socketpair(int domain, int type, int[] fds) { return lib.mk_socketpair(domain, type, fds); }
    @Override public int mk_bind(int fd, String ip, int port) { return lib.mk_bind(fd, ip, port); }
    @Override public int mk_connect(int fd, String ip, int port) { return lib.mk_connect(fd, ip, port); }
    @Override public int mk_listen(int fd, int backlog) { return lib.mk_listen(fd, backlog); }
    @Override public int mk_accept4(int fd, int flags) { return lib.mk_accept4(fd, flags); }
    @Override public int mk_local_port(int fd) { return lib.mk_local_port(fd); }
    @Override public int mk_peer_address(int fd, byte[] buf, int len) { return lib.mk_peer_address(fd, buf, len); }
    @Override public int mk_shutdown(int fd, int how) { return lib.mk_shutdown(fd, how); }
    @Override public int mk_setsockopt_int(int fd, int level, int name, int value) { return lib.mk_setsockopt_int(fd, level, name, value); }
    @Override public int mk_getsockopt_int(int fd, int level, int name) { return lib.mk_getsockopt_int(fd, level, name); }
}
