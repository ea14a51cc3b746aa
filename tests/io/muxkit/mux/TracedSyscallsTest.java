package io.muxkit.mux;

import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.muxkit.testing.FdScope;

/** The trace is a decorator of the shim's calls: every syscall a multiplexer makes is written down, retries included. */
class TracedSyscallsTest {
    private final FdScope fds = new FdScope();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final SyscallTrace trace = new SyscallTrace(null, 1, new PrintStream(bytes, true));
    private Multiplexer mux;

    @AfterEach
    void closeEverything() {
        if (mux != null) mux.close();
        fds.close();
    }

    /** The syscall lines written since the last call (uring's SQE lines and waits that read shared memory are none). */
    private List<String> syscallLines() {
        List<String> lines = Arrays.stream(bytes.toString().split("\n"))
                .filter(l -> l.startsWith("[trace] ") && !l.startsWith("[trace] SQE ") && !l.startsWith("[trace] (no io_uring_enter"))
                .toList();
        bytes.reset();
        return lines;
    }

    /** As many syscall lines as the multiplexer counts syscalls, for registration changes, waits and wakeups. */
    @ContractTest
    void everySyscallCountedIsTraced(Backend backend) throws IOException {
        assumeTrue(backend.unavailableReason() == null, backend + " is unavailable here");
        mux = Multiplexer.open(backend, FdSetMode.STRICT, trace);
        int[] s = fds.socketPair();
        int[] p = fds.pipe();
        syscallLines();
        long before = mux.stats().syscalls();
        mux.register(s[0], READ);
        mux.register(p[0], READ);
        mux.select(0);
        mux.modify(s[0], READ | WRITE);
        mux.select(0);
        fds.write(p[1], 1);
        mux.select(0);
        mux.wakeup();
        mux.select(-1);
        mux.unregister(s[0]);
        mux.unregister(p[0]);
        mux.select(1);
        List<String> lines = syscallLines();
        assertEquals(mux.stats().syscalls() - before, lines.size(), String.join("\n", lines));
    }

    /** select's EBADF: the failed wait, the fcntl that finds the closed fd, and the wait made again are all traced. */
    @Test
    void selectsRecoveryFromAClosedFdIsTraced() throws IOException {
        mux = Multiplexer.open(Backend.SELECT, FdSetMode.STRICT, trace);
        int[] p = fds.pipe();
        p[0] = fds.moveHigh(p[0]);  // (so that its number stays closed)
        mux.register(p[0], READ);
        fds.closeNow(p[0]);
        syscallLines();
        assertEquals(1, mux.select(0));
        assertEquals(ERROR, mux.readyOps(0));
        String text = String.join("\n", syscallLines());
        assertTrue(text.matches("(?s)\\[trace] pselect6\\(.*\\) = -1 EBADF .*"
                + "\\[trace] fcntl\\(" + p[0] + ", F_GETFD\\) = -1 EBADF .*"
                + "\\[trace] pselect6\\(.*\\{tv_sec=0, tv_nsec=0}, NULL\\) = 0 .*"), text);
    }
}
