/**
 * {@link io.muxkit.loop.EventLoop}: one thread's loop over one Multiplexer, with handlers found
 * by fd index, timers, and tasks handed in from other threads.
 */
package io.muxkit.loop;
