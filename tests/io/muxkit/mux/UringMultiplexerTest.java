package io.muxkit.mux;

import static io.muxkit.mux.Multiplexer.EDGE;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.muxkit.net.Fds;
import io.muxkit.probe.SystemLimits;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.FdScope;

/** What is particular to io_uring's poll requests: the file references they hold, generations, a full ring, batching. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UringMultiplexerTest {
    private final FdScope fds = new FdScope();
    private Multiplexer mux;

    @BeforeEach
    void uringWorksHere() throws IOException {
        String why = Backend.URING.unavailableReason();
        assumeTrue(why == null, "io_uring is unavailable here: " + why);
        mux = Multiplexer.open(Backend.URING);
    }

    @AfterEach
    void closeEverything() {
        if (mux != null) mux.close();
        fds.close();
    }

    private static Map<Integer, Integer> selectNow(Multiplexer mux) throws IOException {
        int n = mux.select(0);
        Map<Integer, Integer> ready = new HashMap<>();
        for (int i = 0; i < n; i++) ready.put(mux.readyFd(i), mux.readyOps(i));
        return ready;
    }

    @Test
    void thePeerSeesTheCloseAtOnceAfterUnregister() throws IOException {
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        assertEquals(Map.of(), selectNow(mux));  // the poll request is in the kernel now, holding the file
        mux.unregister(s[0]);
        fds.closeNow(s[0]);
        byte[] buf = new byte[1];
        assertEquals(0, Fds.read(s[1], buf, 0, 1), "end of file at once, with no further wait: the ring let go of the file");
    }

    @Test
    void closingTheMultiplexerLetsGoOfEveryFile() throws IOException {
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        selectNow(mux);
        mux.close();
        fds.closeNow(s[0]);
        assertEquals(0, Fds.read(s[1], new byte[1], 0, 1));
    }

    @Test
    void aCompletionOfAnOlderRegistrationIsNeverReported() throws IOException {
        int[] p = fds.pipe();
        mux.register(p[0], READ);
        selectNow(mux);                       // armed
        fds.write(p[1], 1);                   // the kernel completes the poll: READ, for this registration
        mux.unregister(p[0]);
        assertEquals(1, fds.drain(p[0]));     // no longer readable
        mux.register(p[0], READ);             // the same fd number, a new generation
        assertEquals(Map.of(), selectNow(mux), "the old registration's READ is stale");
        fds.write(p[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
    }

    /** A generation counts the registrations and modifies of an fd number over the multiplexer's life: it wraps, and still matches. */
    @Test
    void aGenerationThatWrapsStillMatches() throws Exception {
        int[] p = fds.pipe();
        ((UringMultiplexer) mux).startGenerationAt(p[0], Integer.MAX_VALUE - 1);  // as after 2^31 registrations and modifies of this fd number
        mux.register(p[0], READ);
        selectNow(mux);
        mux.modify(p[0], READ | WRITE);
        mux.modify(p[0], READ);
        fds.write(p[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
        selectNow(mux);
        mux.modify(p[0], READ | WRITE);  // armed again: a REMOVE and an ADD, across the wrap
        assertEquals(Map.of(p[0], READ), selectNow(mux));
    }

    @Test
    void modifyCancelsThePendingPoll() throws IOException {
        int[] s = fds.socketPair();
        mux.register(s[0], READ);
        selectNow(mux);
        mux.modify(s[0], WRITE);
        assertEquals(Map.of(s[0], WRITE), selectNow(mux));
        fds.write(s[1], 1);
        assertEquals(Map.of(s[0], WRITE), selectNow(mux), "READ is no longer asked for");
        mux.modify(s[0], READ);
        assertEquals(Map.of(s[0], READ), selectNow(mux));
    }

    @Test
    void edgeIsAMultishotPoll() throws IOException {
        int[] p = fds.pipe();
        mux.register(p[0], READ | EDGE);
        fds.write(p[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux));
        assertEquals(Map.of(), selectNow(mux), "reported once");
        fds.write(p[1], 1);
        assertEquals(Map.of(p[0], READ), selectNow(mux), "and again for new data, with the same request");
    }

    /** Two completions of one multishot poll in one batch: one entry, not two (the kernel's own duplicates, merged). */
    @Test
    void anFdCompletedTwiceInOneWaitIsReportedOnce() throws IOException {
        mux.close();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        mux = Multiplexer.open(Backend.URING, FdSetMode.STRICT, new SyscallTrace(null, 1, new PrintStream(lines, true)));
        int[] p = fds.pipe();
        mux.register(p[0], READ | EDGE);
        selectNow(mux);  // the multishot poll is in the kernel
        fds.write(p[1], 1);  // each write wakes the poll: a completion each, posted when this thread leaves the write
        fds.write(p[1], 1);
        lines.reset();
        assertEquals(1, mux.select(0), "one entry");
        assertEquals(p[0], mux.readyFd(0));
        assertEquals(READ, mux.readyOps(0));
        String cqes = lines.toString();
        assumeTrue(cqes.split("user_data=fd " + p[0] + " ", -1).length - 1 == 2, "this kernel posted one completion for both writes: " + cqes);
    }

    @Test
    void aFullRingLosesNothing() throws IOException {
        mux.close();
        mux = new UringMultiplexer(8, 16);  // 8 submissions, 16 completions: far fewer than the ready fds
        Set<Integer> readable = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int[] p = fds.pipe();
            mux.register(p[0], READ);
            fds.write(p[1], 1);
            readable.add(p[0]);
        }
        for (int round = 0; round < 2; round++) {  // level-triggered: all of them, twice
            Set<Integer> seen = new HashSet<>();
            for (int wait = 0; wait < 100 && seen.size() < readable.size(); wait++) {
                int n = mux.select(0);
                for (int i = 0; i < n; i++) seen.add(mux.readyFd(i));
            }
            assertEquals(readable, seen, "round " + round);
        }
    }

    @Test
    void registerModifyAndUnregisterQueueTheirRequestsForTheNextWait() throws IOException {
        int[] fdsToWatch = new int[100];
        for (int i = 0; i < fdsToWatch.length; i++) {
            fdsToWatch[i] = fds.pipe()[0];
            mux.register(fdsToWatch[i], READ);
        }
        selectNow(mux);
        MuxStats before = mux.stats();
        for (int fd : fdsToWatch) mux.modify(fd, READ | WRITE);
        assertEquals(before.syscalls(), mux.stats().syscalls(), "modify makes no syscall");
        selectNow(mux);
        MuxStats after = mux.stats();
        assertEquals(1, after.syscalls() - before.syscalls(), "one io_uring_enter takes them all");
        assertEquals(200, after.submissions() - before.submissions(), "a REMOVE of the armed poll and a new ADD each");
        for (int fd : fdsToWatch) mux.modify(fd, READ);  // never armed since: rewritten in place
        for (int fd : fdsToWatch) mux.modify(fd, READ | WRITE);
        selectNow(mux);
        assertEquals(1, mux.stats().syscalls() - after.syscalls());
    }

    @Test
    void openAndCloseLeakNoFdAndNoMapping() throws IOException {
        mux.close();
        mux = null;
        int fdsBefore = SystemLimits.countOpenFds()[0];
        long mapsBefore = ringMappings();
        for (int i = 0; i < 50; i++) {
            try (FdScope pipes = new FdScope(); Multiplexer m = Multiplexer.open(Backend.URING)) {
                int[] p = pipes.pipe();
                m.register(p[0], READ);
                pipes.write(p[1], 1);
                m.select(0);
                m.register(p[1], WRITE);  // queued, never submitted: closing drops it too
            }
        }
        assertEquals(fdsBefore, SystemLimits.countOpenFds()[0]);
        assertEquals(mapsBefore, ringMappings());
    }

    @Test
    void aRingThatCannotBeCreatedIsAClearErrorWithExit2() throws Exception {
        // the fault rule refuses io_uring_setup as kernel.io_uring_disabled or Docker's seccomp filter would
        ChildJvm.Result r = ChildJvm.run(Map.of("MUXKIT_FAULTS", "io_uring_setup:EPERM:1"), null,
                "io.muxkit.cli.Main", "echo", "--port", "0", "--backend", "uring");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("--backend uring: the uring backend does not work here: ")
                && r.output().contains("refused by kernel.io_uring_disabled or a seccomp filter"), r.output());
        ChildJvm.Result backends = ChildJvm.run(Map.of("MUXKIT_FAULTS", "io_uring_setup:ENOSYS:1"), null, "io.muxkit.cli.Main", "backends");
        assertEquals(0, backends.exit(), backends.output());
        assertTrue(backends.output().contains("uring    unavailable") && backends.output().contains("a kernel without io_uring"), backends.output());
        assertTrue(backends.output().contains("default: epoll"), backends.output());
    }

    private static long ringMappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("io_uring")).count();
    }

}
