package io.muxkit.ffi;

import jnr.ffi.annotations.Encoding;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The shim, libmuxkit.so, one method per C function in native/muxkit.h (internal: use the
 * classes of io.muxkit.mux and io.muxkit.net). File names go to C as UTF-8 whatever the locale
 * (under LANG=C the JVM's own encoding would turn every non-ASCII character into '?'). Every function returns
 * its result or -errno, so errno is never read from Java and every call takes jnr-ffi's fast path.
 * Memory goes in as a native address (a long) or a Java array, never as a binding's own type: a
 * {@link Binding} provides it (jnr-ffi loads this interface directly, hence its annotations,
 * which the FFM binding ignores).
 * The calls of the multiplexers are in {@link MuxSyscalls}, which a syscall trace decorates.
 */
public interface LibMuxkit extends MuxSyscalls {
    @IgnoreError long mk_const(@Encoding("UTF-8") String name);
    @IgnoreError String mk_errno_name(int err);
    @IgnoreError String mk_strerror(int err);
    @IgnoreError String mk_faults_error();
    @IgnoreError String mk_faults_description();
    @IgnoreError long mk_faults_seed();
    @IgnoreError long mk_faults_injected();
    @IgnoreError int mk_gettid();
    @IgnoreError int mk_tgkill(int tid, int sig);

    @IgnoreError int mk_open(@Encoding("UTF-8") String path, int flags);
    @IgnoreError int mk_open_dir(@Encoding("UTF-8") String path);
    @IgnoreError int mk_fstat(int fd, @Out long[] out);
    // a file name's own bytes, NUL-terminated: a name need not be UTF-8 (the file server's paths)
    @IgnoreError int mk_openat_beneath(int dirfd, @In byte[] path, int flags, int mode, int resolve);
    @IgnoreError int mk_fstatat(int dirfd, @In byte[] name, @Out long[] out);
    @IgnoreError int mk_getdents(int dirfd, long buf, int len);
    @IgnoreError int mk_inotify_init();
    @IgnoreError int mk_inotify_watch_fd(int ifd, int dirfd, int mask);
    @IgnoreError int mk_inotify_rm_watch(int ifd, int wd);
    @IgnoreError int mk_fsync(int fd);
    @IgnoreError long mk_pread(int fd, @Out byte[] buf, long len, long offset);
    @IgnoreError int mk_open_tmpfile(int dirfd, int mode);
    @IgnoreError int mk_link_fd(int fd, int dirfd, @Encoding("UTF-8") String name);
    @IgnoreError int mk_renameat(int dirfd, @Encoding("UTF-8") String from, @Encoding("UTF-8") String to);
    @IgnoreError int mk_unlinkat(int dirfd, @Encoding("UTF-8") String name);
    @IgnoreError int mk_dup2(int oldfd, int newfd);
    @IgnoreError int mk_pipe2(@Out int[] fds, int flags);
    /** Memory as a native address ({@link NativeBuffer#address()} + offset): a slice costs no object. */
    @IgnoreError long mk_read(int fd, long address, long len);
    @IgnoreError long mk_peek(int fd, long address, long len);
    @IgnoreError long mk_write(int fd, long address, long len);
    @IgnoreError long mk_send(int fd, long address, long len, int flags);
    /** The same C functions on a Java array (the binding copies it in or out around the call). */
    @IgnoreError long mk_read(int fd, @Out byte[] buf, long len);
    @IgnoreError long mk_write(int fd, @In byte[] buf, long len);
    @IgnoreError long mk_sendfile(int outFd, int inFd, long offset, long count);
    @IgnoreError int mk_socket(int domain, int type, int protocol);
    @IgnoreError int mk_socketpair(int domain, int type, @Out int[] fds);
    @IgnoreError int mk_bind(int fd, String ip, int port);
    @IgnoreError int mk_connect(int fd, String ip, int port);
    @IgnoreError int mk_listen(int fd, int backlog);
    @IgnoreError int mk_accept4(int fd, int flags);
    @IgnoreError int mk_local_port(int fd);
    @IgnoreError int mk_peer_address(int fd, @Out byte[] buf, int len);
    @IgnoreError int mk_shutdown(int fd, int how);
    @IgnoreError int mk_setsockopt_int(int fd, int level, int name, int value);
    @IgnoreError int mk_getsockopt_int(int fd, int level, int name);
}
