package io.muxkit.fdtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.muxkit.net.Fds;
import io.muxkit.process.ProcessGroup;

/**
 * Puts a server at its fd limit and says how it behaves: starts it under RLIMIT_NOFILE N in a
 * process group of its own, proves a few old clients are served, opens M more connections in
 * waves and records what happened to each, watches the server over the limit (CPU, fds, whether
 * the old clients are still served, whether it lives), closes the excess, and checks that new
 * clients are served again.
 */
public final class FdTest {
    private static final int OLD_CLIENTS = 3, WAVE = 32;
    private static final long CONNECT_MILLIS = 1000, ANSWER_MILLIS = 500, READY_SECONDS = 30;
    /**
     * The share of samples over the limit in which the server was runnable (state R), from which it
     * "spins". Not its CPU use: on a busy machine a spinning server gets less CPU, but stays runnable.
     */
    static final double SPIN_RUNNABLE = 0.5;

    public record Config(List<String> command, int nofile, int connections, double seconds, Protocol protocol) {}

    /** The server did not start, or stopped before it accepted a connection: not a verdict, a usage problem. */
    public static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
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
        try (ProcessGroup server = ProcessGroup.start(command, config.nofile())) {
            awaitAccepting(server, port);
            progress.printf("fdtest: %s (pid %d) under RLIMIT_NOFILE %d, port %d, protocol %s%n",
                    String.join(" ", command), server.pid(), config.nofile(), port, config.protocol().id());
            List<Integer> old = new ArrayList<>(), held = new ArrayList<>();
            try (Probe probe = new Probe("127.0.0.1", port, config.protocol())) {
                Outcome[] first = probe.wave(OLD_CLIENTS, CONNECT_MILLIS, ANSWER_MILLIS * 4, old);
                boolean oldServedAtStart = count(first, Outcome.SERVED) == OLD_CLIENTS;

                Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
                for (Outcome o : Outcome.values()) outcomes.put(o, 0);
                for (int opened = 0; opened < config.connections() && server.alive(); opened += WAVE) {
                    for (Outcome o : probe.wave(Math.min(WAVE, config.connections() - opened), CONNECT_MILLIS, ANSWER_MILLIS, held))
                        outcomes.merge(o, 1, Integer::sum);
                }
                progress.println("fdtest: opened " + config.connections() + " connections: " + Report.outcomesText(outcomes));

                OverLimit over = watchOverTheLimit(server, probe, old, oldServedAtStart, config.seconds());
                for (int fd : held) Fds.closeQuietly(fd);
                held.clear();
                double recoveredIn = recoveredIn(server, probe, config.seconds());
                boolean alive = server.alive();
                return new Report(command, server.pid(), config.nofile(), port, config.protocol(), config.connections(),
                        outcomes, oldServedAtStart, over.seconds, over.cpu, over.runnable, over.maxFds, over.rounds,
                        over.servedRounds, recoveredIn, alive, alive ? null : server.exitText(), alive ? List.of() : server.lastLines(5));
            } finally {
                for (int fd : old) Fds.closeQuietly(fd);
                for (int fd : held) Fds.closeQuietly(fd);
            }
        }
    }

    private record OverLimit(double seconds, double cpu, double runnable, long maxFds, int rounds, int servedRounds) {}

    /** Over the limit for `seconds`: CPU, fds, whether the old clients are served each second; a thread samples whether it is runnable. */
    private static OverLimit watchOverTheLimit(ProcessGroup server, Probe probe, List<Integer> old, boolean oldServedAtStart,
                                               double seconds) throws IOException, InterruptedException {
        Sampler sampler = new Sampler(server);
        sampler.start();
        long ticks0 = server.cpuTicks(), start = System.nanoTime(), end = start + (long) (seconds * 1e9), maxFds = 0;
        int rounds = 0, servedRounds = 0;
        while (System.nanoTime() < end && server.alive()) {
            long roundEnd = System.nanoTime() + 1_000_000_000L;
            boolean all = oldServedAtStart;
            for (int fd : old) all &= probe.servedAgain(fd, 1000);
            rounds++;
            if (all) servedRounds++;
            maxFds = Math.max(maxFds, server.openFds());
            Thread.sleep(Math.max(0, (Math.min(roundEnd, end) - System.nanoTime()) / 1_000_000));  // a round a second
        }
        double took = (System.nanoTime() - start) / 1e9;
        return new OverLimit(took, (server.cpuTicks() - ticks0) / 100.0 / took, sampler.finish(), maxFds, rounds, servedRounds);
    }

    /** Seconds until a new client is served once the excess has closed, or -1 if none is within `seconds`. */
    private static double recoveredIn(ProcessGroup server, Probe probe, double seconds) throws IOException, InterruptedException {
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        while (server.alive() && System.nanoTime() < end) {
            List<Integer> fresh = new ArrayList<>();
            Outcome[] o = probe.wave(1, CONNECT_MILLIS, ANSWER_MILLIS * 2, fresh);
            for (int fd : fresh) Fds.closeQuietly(fd);
            if (o[0] == Outcome.SERVED) return (System.nanoTime() - start) / 1e9;
            Thread.sleep(200);
        }
        return -1;
    }

    /** Waits until the server accepts a TCP connection; a server that ends first, or never accepts, is a StartFailure. */
    private static void awaitAccepting(ProcessGroup server, int port) throws InterruptedException, StartFailure {
        long deadline = System.nanoTime() + READY_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!server.alive())
                throw new StartFailure("the command ended (" + server.exitText() + ") before it accepted a connection on port "
                        + port + (server.lastLines(5).isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", server.lastLines(5))));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new StartFailure("the command accepted no connection on port " + port + " in " + READY_SECONDS
                + " s (does it listen on {port}, on 127.0.0.1?)");
    }

    /** Samples every 10 ms whether the server is runnable; finish() gives the share of samples that said so. */
    private static final class Sampler extends Thread {
        private final ProcessGroup server;
        private volatile boolean done;
        private int samples, busy;

        Sampler(ProcessGroup server) {
            super("fdtest sampler");
            setDaemon(true);
            this.server = server;
        }

        @Override
        public void run() {
            while (!done) {
                samples++;
                if (server.runnable()) busy++;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double finish() throws InterruptedException {
            done = true;
            join();
            return samples == 0 ? 0 : (double) busy / samples;
        }
    }

    private static int count(Outcome[] outcomes, Outcome which) {
        int n = 0;
        for (Outcome o : outcomes) if (o == which) n++;
        return n;
    }
}
