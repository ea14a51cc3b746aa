/**
 * Internal: the jnr-ffi binding to libmuxkit.so ({@link io.muxkit.ffi.LibMuxkit}, and
 * {@link io.muxkit.ffi.MuxSyscalls}, the part of it the multiplexers call, which a syscall trace
 * decorates), its loader and the constants it reports. Not a stable API; use {@link io.muxkit.mux}
 * and {@link io.muxkit.net}. The one type meant for users is {@link io.muxkit.ffi.NativeIOException},
 * the exception every failed syscall becomes.
 */
package io.muxkit.ffi;
