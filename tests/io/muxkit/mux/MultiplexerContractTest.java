package io.muxkit.mux;

import static io.muxkit.mux.Multiplexer.EDGE;
import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;
import io.muxkit.testing.FdScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * The contract every backend keeps, run once per backend as libevent runs its suite.
 * Timeouts are generous sanity bounds, never speed checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultiplexerContractTest {
    private final FdScope fds = new FdScope();
    private Multiplexer mux;

    private Multiplexer open(Backend backend) throws IOException {
        mux = open(backend, FdSetMode.STRICT);
        return mux;
    }

    /** How every test opens its multiplexer: {@link SyscallTracedContractTest} runs the whole contract traced. */
    Multiplexer open(Backend backend, FdSetMode mode) throws IOException {
        return Multiplexer.open(backend, mode);
    }

    @AfterEach
    void closeEverything() {
        if (mux != null) mux.close();
        fds.close();
    }

    /** fd -> ops of the last select, for assertions. */
    private static Map<Integer, Integer> readySet(Multiplexer mux, int n) {
        Map<Integer, Integer> ready = new HashMap<>();
        for (int i = 0; i < n; i++) ready.put(mux.readyFd(i), mux.readyOps(i));
        return ready;
    }

    private static Map<Integer, Integer> selectNow(Multiplexer mux) throws IOException {
        return readySet(mux, mux.select(0));
    }

    // ---- registration rules ----

    @ContractTest
    void registerTwiceIsRefused(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mux.register(p[0], WRITE));
        assertTrue(e.getMessage().contains("already registered"), e.getMessage());
        assertEquals(1, mux.registeredCount());
    }

    @ContractTest
    void modifyAndUnregisterOfAnUnknownFdAreRefused(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        assertThrows(IllegalStateException.class, () -> mux.modify(p[0], READ));
        assertThrows(IllegalStateException.class, () -> mux.unregister(p[0]));
        mux.register(p[0], READ);
        mux.unregister(p[0]);
        assertThrows(IllegalStateException.class, () -> mux.unregister(p[0]));
        assertFalse(mux.isRegistered(p[0]));
    }

    @ContractTest
    void modifyChangesWhatIsReported(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        assertEquals(Map.of(), selectNow(mux));
        mux.modify(s[0], WRITE);
        assertEquals(Map.of(s[0], WRITE), selectNow(mux));
        mux.modify(s[0], 0);
        assertEquals(Map.of(), selectNow(mux));
    }

    @ContractTest
    void badArgumentsGetClearExceptions(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        assertThrows(IllegalArgumentException.class, () -> mux.register(-1, READ));
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class, () -> mux.register(p[0], 0x40));
        assertTrue(bits.getMessage().contains("unknown interest bits"), bits.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mux.register(p[0], ERROR));
        assertThrows(IllegalArgumentException.class, () -> mux.select(-2));
        mux.register(p[0], READ);
        assertThrows(IllegalArgumentException.class, () -> mux.modify(p[0], 0x100));
        fds.write(p[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux), "the refused calls changed nothing");
    }

    @ContractTest
    void registeringAClosedFdFailsWithEbadf(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        p[0] = fds.moveHigh(p[0]);  // (so that its number stays closed)
        fds.closeNow(p[0]);
        NativeIOException e = assertThrows(NativeIOException.class, () -> mux.register(p[0], READ));
        assertEquals(Native.EBADF, e.errno());
        assertTrue(e.getMessage().contains("fd=" + p[0]) && e.getMessage().contains("EBADF (Bad file descriptor)"),
                e.getMessage());
        assertFalse(mux.isRegistered(p[0]));
    }

    @ContractTest
    void fdClosedThenUnregistered(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        fds.closeNow(p[0]);
        mux.unregister(p[0]);
        assertFalse(mux.isRegistered(p[0]));
        assertEquals(0, mux.select(0));
    }

    @ContractTest
    void closedButRegisteredFdIsReportedAsErrorNotAFailedWait(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        p[0] = fds.moveHigh(p[0]);  // (so that its number stays closed)
        int[] other = fds.pipe();
        mux.register(p[0], READ);
        mux.register(other[0], READ);
        fds.closeNow(p[0]);
        fds.write(other[1], 1);
        Map<Integer, Integer> ready = selectNow(mux);
        // select and poll see the dead number (EBADF, POLLNVAL) and report ERROR; epoll dropped the closed
        // file itself; uring's poll request had not gone in yet (it goes with the wait), and fails with EBADF
        if (backend == Backend.EPOLL) assertFalse(ready.containsKey(p[0]));
        else assertEquals(ERROR, ready.get(p[0]) & ERROR);
        assertEquals(READ, ready.get(other[0]));
        mux.unregister(p[0]);
        assertEquals(Map.of(other[0], READ), selectNow(mux));
    }

    @ContractTest
    void fdNumberReusedViaDup2(Backend backend) throws IOException {
        open(backend);
        int[] a = fds.pipe();
        int[] b = fds.pipe();
        mux.register(a[0], READ);
        Fds.dup2(b[0], a[0]);  // a[0] now names b's read end; a's read end is closed
        mux.unregister(a[0]);
        mux.register(a[0], READ);
        fds.write(b[1], 1);
        assertEquals(Map.of(a[0], READ), selectNow(mux));
    }

    /**
     * A modify of a closed fd is reported where the kernel reports it. epoll: epoll_ctl(MOD) fails
     * with EBADF at once, and the fd is no longer registered (no stale key). select, poll, uring: a
     * modify changes memory only (no syscall, as in C), and the next wait reports the fd as ERROR
     * (select's EBADF, poll's POLLNVAL, the poll request's EBADF), at every wait until it is unregistered.
     */
    @ContractTest
    void aModifyOfAClosedFdIsReportedWhereTheKernelReportsIt(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        p[0] = fds.moveHigh(p[0]);  // closed below, its number must stay closed until the wait: no other thread's open lands there
        mux.register(p[0], READ);
        fds.closeNow(p[0]);
        if (backend == Backend.EPOLL) {
            NativeIOException e = assertThrows(NativeIOException.class, () -> mux.modify(p[0], WRITE));
            assertEquals(Native.EBADF, e.errno());
            assertFalse(mux.isRegistered(p[0]), "a failed modify must not leave the fd registered");
        } else {
            mux.modify(p[0], WRITE);
            assertEquals(Map.of(p[0], ERROR), selectNow(mux));
            assertEquals(Map.of(p[0], ERROR), selectNow(mux), "level-triggered: until it is unregistered");
            mux.unregister(p[0]);
        }
        assertFalse(mux.isRegistered(p[0]));
        assertEquals(0, mux.registeredCount());
        int[] again = fds.pipe();
        Fds.dup2(again[0], p[0]);  // p[0]'s number names a new pipe: nothing of the closed one may show
        fds.track(p[0]);
        mux.register(p[0], READ);
        fds.write(again[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
    }

    /** What an interest change costs: one epoll_ctl on epoll; nothing but memory on select, poll and uring (uring's goes in with the next wait). */
    @ContractTest
    void aModifyMakesASyscallOnlyOnEpoll(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        long before = mux.stats().syscalls();
        mux.modify(s[0], READ | WRITE);
        mux.modify(s[0], READ);
        assertEquals(backend == Backend.EPOLL ? 2 : 0, mux.stats().syscalls() - before);
        mux.modify(s[0], WRITE);
        assertEquals(Map.of(s[0], WRITE), selectNow(mux), "the change took effect all the same");
    }

    // ---- timeouts ----

    @ContractTest
    void emptySelectHonoursItsTimeout(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        long start = System.nanoTime();
        assertEquals(0, mux.select(150));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 140, "returned after " + elapsedMs + " ms of 150");
        assertTrue(elapsedMs < 10_000, "returned after " + elapsedMs + " ms of 150");
    }

    @ContractTest
    void zeroTimeoutPollsAndMinusOneWaitsForReadiness(Backend backend) throws Exception {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        assertEquals(0, mux.select(0));
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                waiting.await();
                Thread.sleep(50);  // give the main thread time to block; correctness does not depend on it
                fds.write(p[1], 1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        waiting.countDown();
        assertEquals(1, mux.select(-1));
        assertEquals(p[0], mux.readyFd(0));
        writer.get(10, TimeUnit.SECONDS);
    }

    // ---- readiness ----

    @ContractTest
    void freshSocketpairIsWritableNotReadable(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ | WRITE);
        assertEquals(Map.of(s[0], WRITE), selectNow(mux));
    }

    @ContractTest
    void readAndWriteAreReportedInOneCall(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ | WRITE);
        fds.write(s[1], 10);
        assertEquals(1, mux.select(1000));
        assertEquals(s[0], mux.readyFd(0));
        assertEquals(READ | WRITE, mux.readyOps(0));
    }

    @ContractTest
    void readinessIsMaskedByInterest(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        mux.register(s[1], WRITE);
        fds.write(s[1], 10);  // s[0] is readable and writable, s[1] writable only
        assertEquals(Map.of(s[0], READ, s[1], WRITE), selectNow(mux));
    }

    @ContractTest
    void peerCloseIsReported(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        fds.closeNow(s[1]);
        Map<Integer, Integer> ready = selectNow(mux);
        int ops = ready.get(s[0]);
        // select cannot tell a hangup from readability; poll and epoll say HANGUP too
        assertEquals(READ, ops & READ);
        if (backend != Backend.SELECT) assertEquals(HANGUP, ops & HANGUP);
        assertEquals(0, fds.drain(s[0]), "end of stream");
    }

    @ContractTest
    void hangupIsReportedEvenWithoutInterest(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], 0);
        assertEquals(Map.of(), selectNow(mux));
        fds.closeNow(p[1]);
        Map<Integer, Integer> ready = selectNow(mux);
        if (backend == Backend.SELECT) {
            assertEquals(Map.of(), ready, "select has no way to report a hangup on an fd in no set");
        } else {
            assertEquals(Map.of(p[0], HANGUP), ready);
        }
    }

    @ContractTest
    void exactlyTheWrittenPipeOfManyIsReady(Backend backend) throws IOException {
        open(backend);
        int[][] pipes = new int[100][];
        for (int i = 0; i < pipes.length; i++) {
            pipes[i] = fds.pipe();
            mux.register(pipes[i][0], READ);
        }
        for (int chosen : new int[] { 0, 37, 99 }) {
            fds.write(pipes[chosen][1], 1);
            assertEquals(Map.of(pipes[chosen][0], READ), selectNow(mux));
            fds.drain(pipes[chosen][0]);
        }
        assertEquals(0, mux.select(0));
    }

    @ContractTest
    void levelTriggeredReadinessRepeatsUntilDrained(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        fds.write(p[1], 100);
        for (int i = 0; i < 3; i++) assertEquals(Map.of(p[0], READ), selectNow(mux));
        assertEquals(100, fds.drain(p[0]));
        assertEquals(0, mux.select(0));
    }

    /** A writer is not told of the peer's half-close (only a reader is), and its wait is not cut short by it. */
    @ContractTest
    void aHalfCloseIsNotReportedToAWriterAndDoesNotSpinIt(Backend backend) throws IOException {
        open(backend);
        int[] s = fds.socketPair();
        byte[] chunk = new byte[65536];
        while (Fds.write(s[0], chunk, 0, chunk.length) > 0) { }  // full: not writable
        io.muxkit.net.Sockets.shutdownOutput(s[1]);             // the peer half-closes
        mux.register(s[0], WRITE);
        assertEquals(Map.of(), selectNow(mux));
        long start = System.nanoTime();
        assertEquals(0, mux.select(100));
        assertTrue(System.nanoTime() - start >= 100_000_000L, "the wait ran its course");
        fds.drain(s[1]);                                        // room again
        assertEquals(Map.of(s[0], WRITE), selectNow(mux));
        assertEquals(Map.of(s[0], WRITE), selectNow(mux), "level-triggered: still writable, reported again");
    }

    @ContractTest
    void edgeTriggeredOnlyOnEpollAndUring(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        if (backend != Backend.EPOLL && backend != Backend.URING) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mux.register(p[0], READ | EDGE));
            assertTrue(e.getMessage().contains("epoll"), e.getMessage());
            return;
        }
        mux.register(p[0], READ | EDGE);
        fds.write(p[1], 10);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
        assertEquals(0, mux.select(0), "edge-triggered: reported once until new data arrives");
        fds.write(p[1], 10);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
    }

    @ContractTest
    void regularFilesAreRefusedByEpollAndAlwaysReadyElsewhere(Backend backend, @TempDir Path dir) throws IOException {
        open(backend);
        Path file = Files.writeString(dir.resolve("f"), "x");
        int fd = fds.track(Fds.openReadOnly(file))[0];
        if (backend == Backend.EPOLL) {
            NativeIOException e = assertThrows(NativeIOException.class, () -> mux.register(fd, READ));
            assertEquals(Native.EPERM, e.errno());
            assertTrue(e.getMessage().startsWith("epoll_ctl(ADD, fd=" + fd + "): EPERM"), e.getMessage());
        } else {
            mux.register(fd, READ | WRITE);
            assertEquals(Map.of(fd, READ | WRITE), selectNow(mux));
        }
    }

    // ---- EINTR, fd limits ----

    @ContractTest
    void eintrIsRetriedWithTheTimeLeft(Backend backend) throws Exception {
        open(backend);
        Signal.handle(new Signal("WINCH"), s -> { });  // a handler, so the signal interrupts the wait
        AtomicInteger tid = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<long[]> waiter = CompletableFuture.supplyAsync(() -> {
            tid.set(Native.syscalls().mk_gettid());
            started.countDown();
            try {
                long start = System.nanoTime();
                int n = mux.select(1500);
                return new long[] { n, (System.nanoTime() - start) / 1_000_000 };
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        started.await();
        // signal until the wait has been interrupted at least once (the thread may not be inside it yet)
        while (mux.stats().interrupts() == 0 && !waiter.isDone()) {
            Native.syscalls().mk_tgkill(tid.get(), Native.SIGWINCH);
            Thread.sleep(20);
        }
        long[] result = waiter.get(30, TimeUnit.SECONDS);
        assertTrue(mux.stats().interrupts() >= 1, "the wait was interrupted");
        assertEquals(0, result[0]);
        assertTrue(result[1] >= 1400, "EINTR must not cut the timeout short: returned after " + result[1] + " ms of 1500");
        assertTrue(result[1] < 15_000, "EINTR must not restart the full timeout forever: " + result[1] + " ms");
    }

    @ContractTest
    void selectRefusesFdsAtFdSetSizeAndTheOthersTakeThem(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        int high = Native.FD_SETSIZE + 476;
        Fds.dup2(p[0], high);
        fds.track(high);
        int[] low = fds.pipe();
        mux.register(low[0], READ);
        if (backend == Backend.SELECT) {
            FdLimitException e = assertThrows(FdLimitException.class, () -> mux.register(high, READ));
            assertTrue(e.getMessage().contains("fd " + high) && e.getMessage().contains("FD_SETSIZE (1024)")
                    && e.getMessage().contains("--backend poll"), e.getMessage());
            assertEquals(high, e.fd());
            assertFalse(mux.isRegistered(high));
        } else {
            mux.register(high, READ);
        }
        fds.write(p[1], 1);
        fds.write(low[1], 1);
        Map<Integer, Integer> expected = backend == Backend.SELECT
                ? Map.of(low[0], READ) : Map.of(low[0], READ, high, READ);
        assertEquals(expected, selectNow(mux), "the refusal left the others intact");
    }

    @ContractTest
    void thousandsOfFdsAboveFdSetSize(Backend backend) throws IOException {
        Multiplexer m = open(backend);
        if (backend == Backend.SELECT) {
            mux.close();
            m = mux = open(backend, FdSetMode.DYNAMIC);  // strict select stops at 1024: shown above
        }
        int count = 3000;
        int[] efds = new int[count];
        for (int i = 0; i < count; i++) {
            efds[i] = fds.eventfd(0);
            m.register(efds[i], READ);
        }
        assertTrue(efds[count - 1] > Native.FD_SETSIZE + 1000);
        assertEquals(0, m.select(0));
        for (int i : new int[] { 0, count / 2, count - 1 }) {
            fds.signal(efds[i]);
            assertEquals(Map.of(efds[i], READ), selectNow(m), "fd " + efds[i]);
            fds.drain(efds[i]);
        }
        assertEquals(count, m.registeredCount());
    }

    // ---- threads, wakeup, close ----

    @ContractTest
    void wakeupFromAnotherThreadEndsAWaitAndCoalesces(Backend backend) throws Exception {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        assertEquals(0, wokenFromAnotherThread(), "a wakeup is not an event");
        for (int i = 0; i < 1000; i++) mux.wakeup();
        assertEquals(0, mux.select(1000));  // returns at once for the pending wakeup
        long start = System.nanoTime();
        assertEquals(0, mux.select(100));   // the thousand wakeups coalesced into that one
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 90);
    }

    @org.junit.jupiter.api.Test
    void dynamicSelectOpenedAboveFdSetSizeStillWakesUp() throws Exception {
        for (int i = 0; i < Native.FD_SETSIZE + 10; i++) fds.eventfd(0);  // push the next fd number past 1024
        assertThrows(FdLimitException.class, () -> Multiplexer.open(Backend.SELECT).close());
        mux = open(Backend.SELECT, FdSetMode.DYNAMIC);
        assertEquals(0, wokenFromAnotherThread());
    }

    /** What select(-1) on another thread returns once wakeup() reaches it (retried until it does). */
    private int wokenFromAnotherThread() throws Exception {
        CompletableFuture<Integer> waiter = selectForeverInAnotherThread();
        while (!waiter.isDone()) {
            mux.wakeup();
            Thread.sleep(5);
        }
        return waiter.get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<Integer> selectForeverInAnotherThread() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return mux.select(-1);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @ContractTest
    void registrationFromAnotherThreadDuringAWaitIsRefused(Backend backend) throws Exception {
        open(backend);
        int[] p = fds.pipe();
        CompletableFuture<Integer> waiter = selectForeverInAnotherThread();
        IllegalStateException refused = null;
        while (refused == null) {
            try {
                mux.register(p[0], READ);
                mux.unregister(p[0]);  // got in before the wait began; try again
            } catch (IllegalStateException e) {
                refused = e;
            }
        }
        assertTrue(refused.getMessage().contains("inside select()"), refused.getMessage());
        mux.wakeup();
        assertEquals(0, waiter.get(10, TimeUnit.SECONDS));
    }

    @ContractTest
    void closeIsIdempotentAndUseAfterCloseFailsCleanly(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        mux.close();
        mux.close();
        mux.wakeup();  // harmless after close, as in java.nio
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mux.select(0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> mux.register(p[1], WRITE));
        assertThrows(IllegalStateException.class, () -> mux.modify(p[0], WRITE));
        assertThrows(IllegalStateException.class, () -> mux.unregister(p[0]));
        assertThrows(IndexOutOfBoundsException.class, () -> mux.readyFd(0));
    }

    @ContractTest
    void closeFreesNativeMemoryAtOnce(Backend backend) throws IOException {
        long before = NativeMemory.liveBytes();
        Multiplexer m = open(backend, backend == Backend.SELECT ? FdSetMode.DYNAMIC : FdSetMode.STRICT);
        for (int i = 0; i < 3000; i++) m.register(fds.eventfd(1), READ);  // arrays and bitmaps grow; all ready
        int ready = 0;
        for (int i = 0; i < 10 && ready < 3000; i++) ready = m.select(0);  // epoll's event array doubles until it holds them
        assertEquals(3000, ready);
        assertTrue(NativeMemory.liveBytes() > before, "the backend holds native memory");
        m.close();
        assertEquals(before, NativeMemory.liveBytes(), "close() gave every byte back, without waiting for the GC");
    }

    @ContractTest
    void closeWhileAnotherThreadWaitsIsRefused(Backend backend) throws Exception {
        open(backend);
        int[] p = fds.pipe();
        CompletableFuture<Integer> waiter = selectForeverInAnotherThread();
        while (true) {  // a refused registration proves the other thread is inside select()
            try {
                mux.register(p[0], READ);
                mux.unregister(p[0]);
            } catch (IllegalStateException inside) {
                break;
            }
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> mux.close());
        assertTrue(refused.getMessage().contains("inside select()"), refused.getMessage());
        mux.wakeup();
        assertEquals(0, waiter.get(10, TimeUnit.SECONDS));
    }

    /** Wakeups racing with the wait that drains them are never lost for good (a helper's attack found that). */
    @ContractTest
    void wakeupStillWorksAfterAStormOfThem(Backend backend) throws Exception {
        open(backend);
        java.util.concurrent.atomic.AtomicBoolean storm = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread[] wakers = new Thread[2];
        for (int t = 0; t < wakers.length; t++) {
            wakers[t] = new Thread(() -> { while (storm.get()) mux.wakeup(); });
            wakers[t].start();
        }
        long end = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < end) mux.select(50);
        storm.set(false);
        for (Thread t : wakers) t.join();
        mux.select(0);  // what the storm left
        CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            mux.wakeup();
        });
        long start = System.nanoTime();
        assertEquals(0, mux.select(10_000));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the wakeup came through");
    }

    @ContractTest
    void readyIndexOutOfRangeIsRefused(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        fds.write(p[1], 1);
        assertEquals(1, mux.select(0));
        assertThrows(IndexOutOfBoundsException.class, () -> mux.readyFd(1));
        assertThrows(IndexOutOfBoundsException.class, () -> mux.readyOps(-1));
    }

    @ContractTest
    void statsCountWaitsEventsAndTimeBlocked(Backend backend) throws IOException {
        open(backend);
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        fds.write(p[1], 1);
        for (int i = 0; i < 5; i++) mux.select(0);
        fds.drain(p[0]);
        mux.select(20);
        MuxStats stats = mux.stats();
        assertEquals(backend, stats.backend());
        assertEquals(1, stats.registered());
        assertTrue(stats.waits() >= 6, "waits " + stats.waits());  // more when a wait was interrupted and retried
        assertEquals(5, stats.events());
        assertTrue(stats.syscalls() >= stats.waits());
        assertTrue(stats.blockedNanos() >= 15_000_000L, "blocked " + stats.blockedNanos() + " ns");
    }
}
