/**
 * File descriptors as ints, and every syscall made on them above the multiplexers: pipes,
 * socketpairs, eventfds and nonblocking TCP sockets ({@link io.muxkit.net.Fds},
 * {@link io.muxkit.net.Sockets}), read and written through native buffers without allocation, and
 * the files and directories of the file server ({@link io.muxkit.net.FileFds}). Every call is one
 * syscall; EAGAIN is {@link io.muxkit.ffi.Native#AGAIN}, any other failure a
 * {@link io.muxkit.ffi.NativeIOException}. With io.muxkit.mux (and the rings it opens), the only callers of the shim.
 */
package io.muxkit.net;
