package io.muxkit.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A threaded client that holds many connections open at once, as the Python tutorials' stress
 * clients do: every connection is opened first, then each sends a line and waits for its echo,
 * and none is closed before every one has been answered, so the server holds them all at once.
 * Against a select server, the connections whose fds land past FD_SETSIZE are refused; poll and
 * epoll take them all.
 */
public final class ManyClients {
    /** served: echoed correctly; refused: closed or reset by the server; failed: could not connect, or a wrong echo. */
    public record Result(int served, int refused, int failed) {}

    private static final int THREADS = 50;

    private ManyClients() {}

    public static Result run(String host, int port, int connections, PrintStream out) throws InterruptedException {
        AtomicInteger served = new AtomicInteger(), refused = new AtomicInteger(), failed = new AtomicInteger();
        int threadCount = Math.min(THREADS, connections);
        CountDownLatch allOpen = new CountDownLatch(connections), allDone = new CountDownLatch(threadCount);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                List<Socket> mine = new ArrayList<>();
                boolean answered = false;
                try {
                    for (int i = first; i < connections; i += THREADS) {
                        Socket s = new Socket();
                        try {
                            s.connect(new InetSocketAddress(host, port), 5000);
                            s.setSoTimeout(5000);
                            mine.add(s);
                        } catch (IOException e) {
                            s.close();
                            failed.incrementAndGet();
                        }
                        allOpen.countDown();
                    }
                    allOpen.await(60, TimeUnit.SECONDS);  // every connection is open at the same time before any speaks
                    for (Socket s : mine) {
                        switch (exchange(s, "hello from connection " + s.getLocalPort() + "\n")) {
                            case 1 -> served.incrementAndGet();
                            case 0 -> refused.incrementAndGet();
                            default -> failed.incrementAndGet();
                        }
                    }
                    answered = true;
                    allDone.countDown();
                    allDone.await(60, TimeUnit.SECONDS);  // and none closes before every one has been answered
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                } finally {
                    if (!answered) allDone.countDown();
                    for (Socket s : mine) closeQuietly(s);
                }
            }, "many-clients-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) t.join();
        Result r = new Result(served.get(), refused.get(), failed.get());
        out.println("many-clients: " + connections + " connections to " + host + ":" + port + ": " + r.served()
                + " served, " + r.refused() + " refused by the server, " + r.failed() + " failed");
        return r;
    }

    /** 1: the line came back; 0: the server closed or reset the connection first; -1: anything else. */
    private static int exchange(Socket s, String line) {
        byte[] sent = line.getBytes(StandardCharsets.US_ASCII);
        try {
            s.getOutputStream().write(sent);
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(sent.length);
            if (got.length < sent.length) return 0;
            return Arrays.equals(got, sent) ? 1 : -1;
        } catch (SocketException e) {  // reset by the server, or broken pipe
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
