package io.muxkit.ffi;

import jnr.ffi.annotations.Encoding;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * {@link LibMuxkit} as jnr-ffi loads it: what jnr-ffi cannot tell from the types, said in its
 * annotations on the functions that need them. Strings go as UTF-8 whatever the locale; an array
 * is copied one way only, in ({@code @In}) or out ({@code @Out}). errno is never saved (the
 * IgnoreError option {@link JnrBinding} loads it with): every function returns -errno itself.
 */
public interface JnrShim extends LibMuxkit {  // public: jnr-ffi implements it in a class loader of its own
    @Override long mk_const(@Encoding("UTF-8") String name);
    @Override int mk_open(@Encoding("UTF-8") String path, int flags);
    @Override int mk_open_dir(@Encoding("UTF-8") String path);
    @Override int mk_fstat(int fd, @Out long[] out);
    @Override int mk_openat_beneath(int dirfd, @In byte[] path, int flags, int mode, int resolve);
    @Override int mk_fstatat(int dirfd, @In byte[] name, @Out long[] out);
    @Override long mk_pread(int fd, @Out byte[] buf, long len, long offset);
    @Override int mk_link_fd(int fd, int dirfd, @Encoding("UTF-8") String name);
    @Override int mk_renameat(int dirfd, @Encoding("UTF-8") String from, @Encoding("UTF-8") String to);
    @Override int mk_unlinkat(int dirfd, @Encoding("UTF-8") String name);
    @Override int mk_pipe2(@Out int[] fds, int flags);
    @Override long mk_read(int fd, @Out byte[] buf, long len);
    @Override long mk_write(int fd, @In byte[] buf, long len);
    @Override int mk_socketpair(int domain, int type, @Out int[] fds);
    @Override int mk_peer_address(int fd, @Out byte[] buf, int len);
}
