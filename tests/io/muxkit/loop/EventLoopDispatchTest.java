package io.muxkit.loop;

import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.testing.FdScope;

/**
 * The loop re-checks every ready entry at its turn in the batch (libuv, Redis): an fd closed by
 * an earlier handler of the same batch, even one whose number was reused since, is skipped, and
 * ops are masked by the interest current at dispatch.
 */
class EventLoopDispatchTest {
    private final FdScope fds = new FdScope();
    private EventLoop loop;

    @AfterEach
    void close() {
        if (loop != null) loop.close();
        fds.close();
    }

    /** Runs exactly one batch: the task queued before run() makes the loop stop after it. */
    private void runOneBatch() throws Exception {
        loop.execute(loop::stop);
        loop.run();
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void anFdClosedAndReusedEarlierInTheBatchIsSkipped(Backend backend) throws Exception {
        loop = new EventLoop(Multiplexer.open(backend));
        int[] a = fds.socketPair(), b = fds.socketPair();
        fds.write(a[1], 1);
        fds.write(b[1], 1);  // both a[0] and b[0] are readable: one batch reports both
        List<String> calls = new ArrayList<>();
        Handler newcomer = (fd, ops) -> calls.add("newcomer fd " + fd);
        int[][] pairs = { a, b };
        for (int i = 0; i < 2; i++) {
            int[] self = pairs[i], other = pairs[1 - i];
            loop.register(self[0], READ, (fd, ops) -> {
                calls.add("first fd " + fd);
                if (calls.size() > 1) return;
                // close the other, and give its number to a new, empty pipe with a handler of its own
                int number = other[0];
                loop.close(number);
                int[] fresh = Fds.pipe();
                fds.track(fresh[1]);
                Fds.dup2(fresh[0], number);
                Fds.closeQuietly(fresh[0]);
                fds.track(number);
                loop.register(number, READ, newcomer);
            });
        }
        fds.track(a[0], b[0]);
        runOneBatch();
        assertEquals(1, calls.size(), "the stale entry of the closed fd must not reach the new handler: " + calls);
        assertTrue(calls.get(0).startsWith("first"), calls.toString());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void opsAreMaskedByTheInterestAtDispatch(Backend backend) throws Exception {
        loop = new EventLoop(Multiplexer.open(backend));
        int[] a = fds.socketPair(), b = fds.socketPair();
        fds.write(a[1], 1);
        fds.write(b[1], 1);  // a[0] and b[0] are readable and writable
        List<String> calls = new ArrayList<>();
        int[][] pairs = { a, b };
        for (int i = 0; i < 2; i++) {
            int other = pairs[1 - i][0];
            loop.register(pairs[i][0], READ | WRITE, (fd, ops) -> {
                calls.add("fd " + fd + " ops " + ops);
                if (calls.size() == 1) loop.setInterest(other, 0);  // the other wants neither now
            });
        }
        fds.track(a[0], b[0]);
        runOneBatch();
        assertEquals(1, calls.size(), "the second entry, masked by its new interest, has nothing left to report: " + calls);
        assertEquals("ops " + (READ | WRITE), calls.get(0).substring(calls.get(0).indexOf("ops")));
    }
}
