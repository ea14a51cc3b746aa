package io.muxkit.testing;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.muxkit.echo.EchoServer;
import io.muxkit.files.FileServer;
import sun.misc.Signal;

/**
 * AsanShimTest's server process: an echo server and a file server (uploads allowed, rooted at
 * ROOT/backend) on every io, in one JVM on the sanitized shim, so that one JVM start under
 * ASan covers every shim call both servers make on every io. Prints "echo/BACKEND: listening on
 * 127.0.0.1:PORT" and "files/BACKEND: ..." for each (ChildJvm.port reads them), then "ready"; on
 * SIGTERM closes every server and exits 0, or 1 if a loop died.
 */
public final class AsanServers {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Deque<AutoCloseable> servers = new ArrayDeque<>();
        AtomicBoolean died = new AtomicBoolean();
        try {
            for (Io io : Io.values()) {
                EchoServer echo = new EchoServer(EchoServer.Config.defaults(0), io.loops(), System.err);
                servers.push(echo);
                FileServer files = FileServerFixture.serving(root.resolve(io.id())).idleTimeout(0).uploads(true, 1 << 20)
                        .open(io.loops(), System.err);
                servers.push(files);
                echo.whenLoopDies(e -> dies(e, died, stop));
                files.whenLoopDies(e -> dies(e, died, stop));
                echo.start();
                files.start();
                System.out.println("echo/" + io.id() + ": listening on 127.0.0.1:" + echo.port());
                System.out.println("files/" + io.id() + ": listening on 127.0.0.1:" + files.port());
            }
            System.out.println("ready");
            System.out.flush();
            stop.await();
        } finally {
            while (!servers.isEmpty()) servers.pop().close();
        }
        System.out.println("stopped");
        System.exit(died.get() ? 1 : 0);
    }

    private static void dies(Throwable cause, AtomicBoolean died, CountDownLatch stop) {
        System.err.println("an event loop died: " + cause);
        died.set(true);
        stop.countDown();
    }
}
