package io.muxkit.mux;

/**
 * Told of each wait syscall a multiplexer makes (an EINTR retry is a wait of its own), on the
 * thread that waited: what an event loop's timeline records. Set with
 * {@link Multiplexer#waitListener}; without one, a wait costs no clock read it did not already need.
 */
@FunctionalInterface
public interface WaitListener {
    /**
     * @param startNanos   System.nanoTime() before the call
     * @param endNanos     System.nanoTime() after it
     * @param timeoutNanos what the call was given: -1 forever, 0 no wait
     * @param ready        the entries it added to the ready set (the wakeup and masked-out entries not counted), and on
     *                     a completion ring the completions it brought for the loop
     * @param registered   the fds registered during the call
     * @param submitted    the requests the call handed the kernel (io_uring's SQEs; 0 elsewhere)
     * @param completed    the completions it read (io_uring's CQEs, of every kind), or -1 where there are none (select, poll, epoll)
     */
    void waited(long startNanos, long endNanos, long timeoutNanos, int ready, int registered, long submitted, int completed);
}
