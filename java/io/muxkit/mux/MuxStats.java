package io.muxkit.mux;

/**
 * Counters since the multiplexer was opened.
 *
 * @param waits        select/poll/epoll_wait calls, including retries after EINTR
 * @param syscalls     every syscall the multiplexer made: waits, epoll_ctl, wakeup reads and writes, fd checks
 * @param submissions  requests handed to the kernel in batches, with a wait (io_uring's poll requests); 0 elsewhere
 * @param events       ready entries returned to the caller
 * @param interrupts   waits ended by a signal before anything was reported, and made again (EINTR; on
 *                     uring also a wait that submitted, which then returns with no completion)
 * @param blockedNanos time spent inside wait syscalls that could block (timeout not 0)
 */
public record MuxStats(Backend backend, int registered, long waits, long syscalls, long submissions, long events,
                       long interrupts, long wakeups, long blockedNanos) {}
