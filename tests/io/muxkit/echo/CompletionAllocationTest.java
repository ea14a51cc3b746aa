package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Native;
import io.muxkit.testing.Io;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing is allocated on the heap per completion, on the binding this JVM runs (mvn verify runs
 * this on each): the echo server on the completion path, its loop's thread measured by the JVM
 * (ThreadMXBean) over 20,000 messages once warm, each a recv's completion (the buffer filled, read,
 * sent straight from it) and a send's (the buffer back to the ring, the protocol told).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionAllocationTest {
    private static final int WARM_UP = 20_000, MESSAGES = 20_000;
    /** The measurement's own first reads may allocate a little: far less than a byte per completion. */
    private static final long SLACK_BYTES = 4096;

    @Test
    void aCompletionAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (EchoServer server = new EchoServer(EchoServer.Config.defaults(0), Io.COMPLETION.loops(), System.err).start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] message = new byte[64], back = new byte[64];
            echo(in, out, message, back, WARM_UP);
            long loop = loopThread();
            long before = threads.getThreadAllocatedBytes(loop);
            echo(in, out, message, back, MESSAGES);
            long allocated = threads.getThreadAllocatedBytes(loop) - before;
            assertTrue(allocated <= SLACK_BYTES, "on the " + Native.binding() + " binding: " + allocated + " bytes allocated over "
                    + MESSAGES + " messages (" + 2 * MESSAGES + " completions)");
        }
    }

    private static void echo(InputStream in, OutputStream out, byte[] message, byte[] back, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            message[0] = (byte) i;
            out.write(message);
            if (in.readNBytes(back, 0, back.length) != back.length) throw new AssertionError("the server closed");
            assertArrayEquals(message, back);
        }
    }

    private static long loopThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals("echo-loop-0")) return t.getId();
        throw new AssertionError("no echo-loop-0 thread");
    }
}
