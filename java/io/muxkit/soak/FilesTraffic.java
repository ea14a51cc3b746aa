package io.muxkit.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Traffic for a file server, round after round until the deadline: GETs of whole files and of
 * ranges and PUTs of new versions, every body checked; beside them the hostile requests (a head
 * trickling in, a TLS hello, bad chunking, an oversized head, a pipelined flood, a cut upload).
 */
final class FilesTraffic {
    private final int port;
    private final Path root;
    private final byte[] data;
    private final Tally tally;
    private final Random random;

    /** root holds data.bin, whose bytes are data. */
    FilesTraffic(int port, Path root, byte[] data, Tally tally, long seed) {
        this.port = port;
        this.root = root;
        this.data = data;
        this.tally = tally;
        this.random = new Random(seed);
    }

    private record Response(int status, byte[] body) {}

    void runUntil(long deadlineNanos) throws InterruptedException {
        int version = 0;
        while (System.nanoTime() < deadlineNanos) {
            for (int i = 0; i < 50; i++) honestGet();
            String name = "up-" + random.nextInt(4) + ".txt";
            byte[] body = ("version " + version++ + " ").repeat(1 + random.nextInt(5000)).getBytes(StandardCharsets.US_ASCII);
            Response put = exchange("PUT /" + name + " HTTP/1.1\r\nHost: soak\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n", body);
            if (put.status() == 201 || put.status() == 204) {
                tally.add("requests");
                try {
                    if (!Arrays.equals(body, Files.readAllBytes(root.resolve(name)))) tally.add("mismatch");
                } catch (IOException e) {
                    tally.add("mismatch");
                }
                // and through the server, twice (the second from its cache): never the version before
                for (int i = 0; i < 2; i++) {
                    Response get = exchange("GET /" + name + " HTTP/1.1\r\nHost: soak\r\n\r\n", null);
                    if (get.status() == 200) tally.add(Arrays.equals(body, get.body()) ? "requests" : "mismatch");
                    else outcome(get);
                }
            } else {
                outcome(put);
            }
            hostile();
            Thread.sleep(20);
        }
    }

    private void honestGet() {
        long a = random.nextInt(data.length), b = Math.min(data.length - 1, a + random.nextInt(100_000));
        boolean range = random.nextBoolean();
        Response r = exchange("GET /data.bin HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n"
                + (range ? "Range: bytes=" + a + "-" + b + "\r\n" : "") + "\r\n", null);
        if (r.status() == 200 || r.status() == 206) {
            byte[] want = r.status() == 200 ? data : Arrays.copyOfRange(data, (int) a, (int) b + 1);
            tally.add(Arrays.equals(want, r.body()) ? "requests" : "mismatch");
        } else {
            outcome(r);
        }
    }

    /** A request the server could not serve: cut (a fault closed it) or an error status. */
    private void outcome(Response r) {
        tally.add(r.status() < 0 ? "cut" : r.status() >= 500 ? "5xx" : "4xx");
    }

    private void hostile() {
        String[] requests = {
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000",
                "PUT /x HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "GET /data.bin HTTP/1.1\r\nHost: soak\r\nX: " + "b".repeat(20_000) + "\r\n\r\n",
                "HEAD / HTTP/1.1\r\nHost: soak\r\n\r\n".repeat(50) + "GET /../etc/passwd HTTP/1.1\r\nHost: soak\r\n\r\n",
                "GET /a\nb HTTP/1.1\r\nHost: soak\r\n\r\n" };
        for (String request : requests) {
            Response r = exchange(request, null);
            tally.add("hostile");
            if (r.status() >= 500) tally.add("5xx");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {  // a head that trickles, then a cut upload
            s.getOutputStream().write("GET /data.bin HTTP/1.1\r\nHost: so".getBytes());
            Thread.sleep(100);
            tally.add("hostile");
        } catch (IOException | InterruptedException e) {
            tally.add("hostile");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("PUT /cut.bin HTTP/1.1\r\nHost: soak\r\nContent-Length: 1000000\r\n\r\n".getBytes());
            s.getOutputStream().write(new byte[100_000]);
            tally.add("hostile");
        } catch (IOException e) {
            tally.add("hostile");
        }
    }

    /** One request on its own connection: the status and body, or status -1 when it was cut. */
    private Response exchange(String head, byte[] body) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) s.getOutputStream().write(body);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            for (int c, crlf = 0; crlf < 4; ) {
                if ((c = in.read()) < 0) return new Response(-1, null);
                headBytes.write(c);
                crlf = (c == '\r' || c == '\n') ? crlf + 1 : 0;
            }
            String text = headBytes.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            long length = 0;
            for (String line : text.split("\r\n"))
                if (line.regionMatches(true, 0, "Content-Length: ", 0, 16)) length = Long.parseLong(line.substring(16));
            byte[] got = head.startsWith("HEAD") ? new byte[0] : in.readNBytes((int) Math.min(length, 64L << 20));
            return got.length < length && !head.startsWith("HEAD") ? new Response(-1, null) : new Response(status, got);
        } catch (IOException | RuntimeException e) {
            return new Response(-1, null);
        }
    }
}
