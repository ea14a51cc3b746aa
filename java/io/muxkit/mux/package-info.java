/**
 * The multiplexers: {@link io.muxkit.mux.Multiplexer} (the contract every backend keeps),
 * {@link io.muxkit.mux.Backend} (select, poll, epoll and io_uring's poll requests, uring) and how
 * one is chosen ({@link io.muxkit.mux.BackendChoice}), and two ways of watching one at work:
 * {@link io.muxkit.mux.SyscallTrace} for each syscall it makes (a decorator of the shim's calls,
 * chosen when it opens) and {@link io.muxkit.mux.TracingMultiplexer} for each call made to it. The
 * backends themselves are package-private: one small class each, with the rules they share
 * written once in AbstractMultiplexer.
 */
package io.muxkit.mux;
