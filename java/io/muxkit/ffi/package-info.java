/**
 * Internal: the binding to libmuxkit.so. {@link io.muxkit.ffi.LibMuxkit} is the shim, one method
 * per C function ({@link io.muxkit.ffi.MuxSyscalls}, the part the multiplexers call, is what a
 * syscall trace decorates); {@link io.muxkit.ffi.Native} loads it and holds every constant it
 * reports; {@link io.muxkit.ffi.NativeMemory} allocates {@link io.muxkit.ffi.NativeBuffer}s, the
 * native memory the code above this package holds (a call into the shim takes their address).
 * Underneath, one {@link io.muxkit.ffi.Binding} per process does the work, picked at start-up by
 * {@link io.muxkit.ffi.Bindings}: jnr-ffi ({@code JnrBinding}, JDK 17+) or java.lang.foreign
 * ({@code FfmBinding}, JDK 22+, in jars built on a JDK 22+); nothing outside this package names
 * either (a child JVM gets the flags its binding needs from {@link io.muxkit.ffi.NativeAccess}).
 * Not a stable API; use {@link io.muxkit.mux} and {@link io.muxkit.net}. The one type meant
 * for users is {@link io.muxkit.ffi.NativeIOException}, the exception every failed syscall becomes.
 */
package io.muxkit.ffi;
