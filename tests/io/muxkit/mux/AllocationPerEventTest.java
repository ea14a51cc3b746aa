package io.muxkit.mux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;
import io.muxkit.testing.FdScope;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing is allocated on the heap per event, on the binding this JVM runs (ffm by default on JDK
 * 22+, jnr on 17; mvn verify runs this on each): a byte written, the wait that reports it, its fd
 * and ops read from the ready set, and the byte read back, as an event loop does. The heap this
 * thread allocates is counted by the JVM (ThreadMXBean), once the loop is warm.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllocationPerEventTest {
    private static final int WARM_UP = 20_000, EVENTS = 20_000;
    /** The measurement itself may allocate a little (the counter's first read): far less than a byte per event. */
    private static final long SLACK_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ContractTest
    void anEventAllocatesNothing(Backend backend) throws Exception {
        try (FdScope fds = new FdScope(); Multiplexer mux = Multiplexer.open(backend)) {
            int[] pair = fds.socketPair();
            mux.register(pair[0], Multiplexer.READ);
            NativeBuffer buf = NativeMemory.allocate(64);
            try {
                events(mux, pair, buf, WARM_UP);
                long before = THREADS.getCurrentThreadAllocatedBytes();
                events(mux, pair, buf, EVENTS);
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated <= SLACK_BYTES, backend + " on the " + Native.binding() + " binding: "
                        + allocated + " bytes allocated over " + EVENTS + " events");
            } finally {
                mux.unregister(pair[0]);
                NativeMemory.free(buf);
            }
        }
    }

    private static void events(Multiplexer mux, int[] pair, NativeBuffer buf, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            buf.putByte(0, (byte) i);
            Fds.write(pair[1], buf, 1);
            int n = mux.select(1000);
            if (n != 1 || mux.readyFd(0) != pair[0] || mux.readyOps(0) != Multiplexer.READ)
                throw new AssertionError(n + " fds ready, not the written one alone");
            if (Fds.read(pair[0], buf, 64) != 1 || buf.getByte(0) != (byte) i)
                throw new AssertionError("read back another byte than was written");
        }
    }
}
