/**
 * The multiplexers: {@link io.muxkit.mux.Multiplexer} (the contract every backend keeps),
 * {@link io.muxkit.mux.Backend} (select, poll, epoll) and how one is chosen
 * ({@link io.muxkit.mux.BackendChoice}), and {@link io.muxkit.mux.TracingMultiplexer} for
 * watching one at work. The backends themselves are package-private: one small class each, with
 * the rules they share written once in AbstractMultiplexer.
 */
package io.muxkit.mux;
