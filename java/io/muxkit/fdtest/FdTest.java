package io.muxkit.fdtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import io.muxkit.net.Fds;
import io.muxkit.process.ProcessGroup;

/**
 * Puts a server at its fd limit and says how it behaves: starts it under RLIMIT_NOFILE N in a
 * process group of its own, proves a few old clients are served and keeps them asking (OldClients),
 * opens connections in waves paced by what the server takes until one of its processes holds
 * within a few fds of N, or its fds stop growing (Fill), watches it over the limit (each process's
 * CPU, fds and whether it is runnable; whether the old clients are served; whether it lives), closes
 * the excess, and checks that new clients are served again.
 */
public final class FdTest {
    private static final int OLD_CLIENTS = 3;
    private static final long CONNECT_MILLIS = 1000, ANSWER_MILLIS = 500, READY_SECONDS = 30, TOP_UP_MILLIS = 250;
    /**
     * The share of samples over the limit in which one thread was runnable (state R), from which it
     * "spins". Not its CPU use: on a busy machine a spinning server gets less CPU, but stays runnable.
     */
    static final double SPIN_RUNNABLE = 0.5;

    public record Config(List<String> command, int nofile, int connections, double seconds, Protocol protocol) {}

    /** The server did not start, or stopped before it accepted a connection: not a verdict, a usage problem. */
    public static class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }

    /** The command ended, yet something listens on its port: it forked to the background, out of the process group. */
    static final class WentToTheBackground extends StartFailure {
        WentToTheBackground(ProcessGroup server, int port) {
            super("the command ended (" + server.exitText() + "), but something accepts on port " + port
                    + ": the server went to the background (a daemon), out of fdtest's process group, where fdtest can"
                    + " neither watch nor stop it; run it in the foreground (nginx -g 'daemon off;', apache2"
                    + " -DFOREGROUND, lighttpd -D), and stop what it left (ss -ltnp 'sport = :" + port + "')");
        }
    }

    private FdTest() {}

    /** {port} in the command becomes a free port on loopback. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static Report run(Config config, PrintStream progress) throws IOException, InterruptedException, StartFailure {
        int port = freePort();
        List<String> command = new ArrayList<>();
        for (String arg : config.command()) command.add(arg.replace("{port}", String.valueOf(port)));
        boolean toldWhy = false;
        try (ProcessGroup server = ProcessGroup.start(command, config.nofile())) {
            return run(config, progress, command, server, port);
        } catch (WentToTheBackground e) {
            toldWhy = true;
            throw e;
        } finally {
            if (!toldWhy && accepts(port, 200))  // the group is stopped: whatever still listens left it
                progress.println("fdtest: something still accepts on port " + port + " after the command's process group was"
                        + " stopped: a process that left the group (a daemon) is out of fdtest's reach; stop it yourself"
                        + " (ss -ltnp 'sport = :" + port + "'), and run the server in the foreground");
        }
    }

    private static Report run(Config config, PrintStream progress, List<String> command, ProcessGroup server, int port)
            throws IOException, InterruptedException, StartFailure {
        awaitAccepting(server, port);
        progress.printf("fdtest: %s (pid %d) under RLIMIT_NOFILE %d, port %d, protocol %s%n",
                String.join(" ", command), server.pid(), config.nofile(), port, config.protocol().id());
        ProcessWatch watch = new ProcessWatch(server);
        watch.start();
        List<Integer> proven = new ArrayList<>(), held = new ArrayList<>();
        try (Probe probe = new Probe("127.0.0.1", port, config.protocol())) {
            Outcome[] first = probe.wave(OLD_CLIENTS, CONNECT_MILLIS, ANSWER_MILLIS * 4, proven, false);
            boolean oldServedAtStart = count(first, Outcome.SERVED) + count(first, Outcome.SERVED_CLOSED) == OLD_CLIENTS;
            try (OldClients old = new OldClients("127.0.0.1", port, config.protocol(), OLD_CLIENTS, proven)) {
                proven.clear();  // old's now
                old.start();
                Fill.Result fill = Fill.run(config, server, probe, watch, held);
                progress.println("fdtest: opened " + fill.opened() + " connections: " + Report.outcomesText(fill.outcomes())
                        + "; " + fill.how());

                watch.mark();
                old.startCounting();
                long start = System.nanoTime(), end = start + (long) (config.seconds() * 1e9);
                int toppedUp = 0;
                while (System.nanoTime() < end && server.alive()) {
                    // one more connection every 250 ms while the budget lasts: the excess the server took as fds
                    // freed up (old clients closed after their response) is replaced, so it stays at its limit
                    if (fill.opened() + toppedUp < config.connections()) {
                        for (Outcome o : probe.wave(1, TOP_UP_MILLIS, 50, held, fill.unfinished())) fill.outcomes().merge(o, 1, Integer::sum);
                        toppedUp++;
                    }
                    Thread.sleep(Math.max(0, Math.min(TOP_UP_MILLIS, (end - System.nanoTime()) / 1_000_000)));
                }
                old.stopCounting();
                watch.endWindow();
                double overSeconds = (System.nanoTime() - start) / 1e9;

                for (int fd : held) Fds.closeQuietly(fd);
                held.clear();
                double recoveredIn = recoveredIn(server, probe, config.seconds());
                OldClients.Figures oldFigures = old.finish();
                List<ProcessWatch.Figures> processes = watch.finish();
                boolean alive = server.alive();
                if (!alive && accepts(port, 200)) throw new WentToTheBackground(server, port);  // not a death: a fork that left
                return new Report(command, server.pid(), config.nofile(), port, config.protocol(), fill, toppedUp, oldServedAtStart,
                        overSeconds, processes, oldFigures, recoveredIn, alive, alive ? null : server.exitText(),
                        alive ? List.of() : server.lastLines(5));
            }
        } finally {
            for (int fd : proven) Fds.closeQuietly(fd);
            for (int fd : held) Fds.closeQuietly(fd);
            watch.finish();
        }
    }

    /** Seconds until a new client is served once the excess has closed, or -1 if none is within `seconds`. */
    private static double recoveredIn(ProcessGroup server, Probe probe, double seconds) throws IOException, InterruptedException {
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        while (server.alive() && System.nanoTime() < end) {
            List<Integer> fresh = new ArrayList<>();
            Outcome[] o = probe.wave(1, CONNECT_MILLIS, ANSWER_MILLIS * 2, fresh, false);
            for (int fd : fresh) Fds.closeQuietly(fd);
            if (o[0] == Outcome.SERVED || o[0] == Outcome.SERVED_CLOSED) return (System.nanoTime() - start) / 1e9;
            Thread.sleep(200);
        }
        return -1;
    }

    /** Waits until the server accepts a TCP connection; a server that ends first, or never accepts, is a StartFailure. */
    private static void awaitAccepting(ProcessGroup server, int port) throws InterruptedException, StartFailure {
        long deadline = System.nanoTime() + READY_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!server.alive()) {
                if (accepts(port, 1000)) throw new WentToTheBackground(server, port);
                throw new StartFailure("the command ended (" + server.exitText() + ") before it accepted a connection on port "
                        + port + (server.lastLines(5).isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", server.lastLines(5))));
            }
            if (accepts(port, 200)) return;
            Thread.sleep(100);
        }
        throw new StartFailure("the command accepted no connection on port " + port + " in " + READY_SECONDS
                + " s (does it listen on {port}, on 127.0.0.1?)");
    }

    /** Whether something accepts a TCP connection on the loopback port within timeoutMillis. */
    private static boolean accepts(int port, int timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        do {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
                return true;
            } catch (IOException notListening) {
                if (timeoutMillis <= 200) return false;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    static int count(Outcome[] outcomes, Outcome which) {
        int n = 0;
        for (Outcome o : outcomes) if (o == which) n++;
        return n;
    }
}
