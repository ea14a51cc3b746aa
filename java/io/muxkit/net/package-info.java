/**
 * File descriptors as ints: pipes, socketpairs, eventfds and nonblocking TCP sockets, read and
 * written through native buffers without allocation. Every call is one syscall; EAGAIN is
 * {@link io.muxkit.ffi.Native#AGAIN}, any other failure a {@link io.muxkit.ffi.NativeIOException}.
 */
package io.muxkit.net;
