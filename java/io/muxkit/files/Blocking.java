package io.muxkit.files;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.muxkit.loop.EventLoop;

/**
 * A few threads for the file work that can take long (an upload's writes, its fsync and rename,
 * a listing of a large directory), as libuv's threadpool does for file operations: a loop hands
 * the work over and gets the outcome back on its own thread with {@link EventLoop#execute}, so no
 * connection on the loop waits for a disk.
 */
final class Blocking implements AutoCloseable {
    /** Work for a worker thread. */
    interface Work<T> {
        T run() throws Exception;
    }

    /** What the loop does with the outcome: failure is null when the work returned (result, which may be null). */
    interface Done<T> {
        void accept(T result, Exception failure);
    }

    private final ExecutorService pool;

    Blocking(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "files-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs work on a worker, then done on loop's thread; false when the pool is closed (the server is stopping). */
    <T> boolean submit(EventLoop loop, Work<T> work, Done<T> done) {
        try {
            pool.execute(() -> {
                T result = null;
                Exception failure = null;
                try {
                    result = work.run();
                } catch (Exception e) {
                    failure = e;
                }
                T r = result;
                Exception f = failure;
                loop.execute(() -> done.accept(r, f));
            });
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Lets the work under way finish (its outcomes go to the loops), and takes no more. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
