package io.muxkit.ffi;

/**
 * The shim, libmuxkit.so, one method per C function in native/muxkit.h (internal: use the
 * classes of io.muxkit.mux and io.muxkit.net). A String goes to C as UTF-8 whatever the locale
 * (under LANG=C the JVM's own encoding would turn every non-ASCII character into '?'); an array
 * is copied in for a parameter C reads (a path, bytes to write) and out for one C fills. Every
 * function returns its result or -errno, so errno is never read from Java. Memory goes in as a
 * native address (a long) or a Java array, never as a binding's own type: a {@link Binding}
 * implements this interface, and says all that to its library in its own terms (JnrShim's
 * annotations, FfmLibMuxkit's layouts).
 * The calls of the multiplexers are in {@link MuxSyscalls}, which a syscall trace decorates.
 */
public interface LibMuxkit extends MuxSyscalls {
    long mk_const(String name);
    String mk_errno_name(int err);
    String mk_strerror(int err);
    String mk_faults_error();
    String mk_faults_description();
    long mk_faults_seed();
    long mk_faults_injected();
    int mk_gettid();
    int mk_tgkill(int tid, int sig);

    int mk_open(String path, int flags);
    int mk_open_dir(String path);
    int mk_fstat(int fd, long[] out);
    // a file name's own bytes, NUL-terminated: a name need not be UTF-8 (the file server's paths)
    int mk_openat_beneath(int dirfd, byte[] path, int flags, int mode, int resolve);
    int mk_fstatat(int dirfd, byte[] name, long[] out);
    int mk_getdents(int dirfd, long buf, int len);
    int mk_inotify_init();
    int mk_inotify_watch_fd(int ifd, int dirfd, int mask);
    int mk_inotify_rm_watch(int ifd, int wd);
    int mk_fsync(int fd);
    long mk_pread(int fd, byte[] buf, long len, long offset);
    int mk_open_tmpfile(int dirfd, int mode);
    int mk_link_fd(int fd, int dirfd, String name);
    int mk_renameat(int dirfd, String from, String to);
    int mk_unlinkat(int dirfd, String name);
    int mk_dup2(int oldfd, int newfd);
    int mk_pipe2(int[] fds, int flags);
    /** Memory as a native address ({@link NativeBuffer#address()} + offset): a slice costs no object. */
    long mk_read(int fd, long address, long len);
    long mk_peek(int fd, long address, long len);
    long mk_write(int fd, long address, long len);
    long mk_send(int fd, long address, long len, int flags);
    /** The same C functions on a Java array (the binding copies it in or out around the call). */
    long mk_read(int fd, byte[] buf, long len);
    long mk_write(int fd, byte[] buf, long len);
    long mk_sendfile(int outFd, int inFd, long offset, long count);
    int mk_socket(int domain, int type, int protocol);
    int mk_socketpair(int domain, int type, int[] fds);
    int mk_bind(int fd, String ip, int port);
    int mk_connect(int fd, String ip, int port);
    int mk_listen(int fd, int backlog);
    int mk_accept4(int fd, int flags);
    int mk_local_port(int fd);
    int mk_peer_address(int fd, byte[] buf, int len);
    int mk_shutdown(int fd, int how);
    int mk_setsockopt_int(int fd, int level, int name, int value);
    int mk_getsockopt_int(int fd, int level, int name);
}
