package io.muxkit.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import io.muxkit.testing.RawHttp;
import io.muxkit.testing.ReferenceServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangeSetTest {
    private static List<ByteRange> ranges(String header, long size) throws HttpError {
        RangeSet set = RangeSet.parse(header, size);
        return set == null ? null : set.ranges();
    }

    private static List<ByteRange> of(long... bounds) {
        List<ByteRange> out = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) out.add(new ByteRange(bounds[i], bounds[i + 1]));
        return out;
    }

    private static String outcome(Parse parse) {
        try {
            Object r = parse.run();
            return String.valueOf(r);
        } catch (HttpError e) {
            return "error " + e.status;
        }
    }

    private interface Parse {
        Object run() throws HttpError;
    }

    @Test
    void aSingleRangeIsWhatByteRangeParseMakesOfIt() {
        String[] headers = { null, "", "bytes=0-0", "bytes=0-9", "bytes=5-", "bytes=-5", "bytes=-0", "bytes=0-", "BYTES=1-2",
                " bytes=1-2 ", "bytes= 1 - 2 ", "bytes=9-0", "bytes=abc", "bytes=1-x", "bytes=-", "bytes=5", "items=0-1",
                "bytes=12-12", "bytes=13-", "bytes=13-20", "bytes=0-99999999999999999999999", "bytes=99999999999999999999-",
                "bytes=-99999999999999999999", "bytes=+1-2", "bytes=0x1-2", "bytes", "bytes=" };
        for (long size : new long[] { 0, 1, 13, 1000 })
            for (String h : headers) {
                if (size == 0 && h != null && h.replace(" ", "").matches("(?i)bytes=(-[0-9]+|0+-.*)")) continue;  // below
                String expected = outcome(() -> {
                    ByteRange r = singleRange(h, size);
                    return r == null ? null : List.of(r);
                });
                assertEquals(expected, outcome(() -> ranges(h, size)), h + " on " + size + " bytes");
            }
    }

    @Test
    void aSuffixOrARangeFromZeroOfAnEmptyFileIsTheWholeEmptyFile() throws HttpError {
        // RFC 9110 section 14.1.2 calls a suffix satisfiable; a single-range parser answers 416, nginx 200 (and to 0-0, 0-, -0)
        assertNull(ranges("bytes=-1", 0));
        assertNull(ranges("bytes=0-0,-5", 0));
        assertNull(ranges("bytes=-0", 0));
        assertNull(ranges("bytes=0-", 0));
        assertNull(ranges("bytes=5-,0-0", 0));
        assertEquals(416, assertThrows(HttpError.class, () -> RangeSet.parse("bytes=5-", 0)).status, "past the start: as nginx");
    }

    /** Whatever the header: the whole file, a 416, or ranges inside the file that neither overlap nor touch and add up to no more than it. */
    @Test
    void anyHeaderGivesRangesASenderCanTrust() {
        Random random = new Random(9110);
        String[] pieces = { "0", "1", "9", "12", "13", "99", "-", "-", "-", ",", ",", " ", "x", "99999999999999999999" };
        for (int i = 0; i < 20_000; i++) {
            StringBuilder h = new StringBuilder("bytes=");
            for (int n = random.nextInt(40); n > 0; n--) h.append(pieces[random.nextInt(pieces.length)]);
            long size = random.nextInt(3) == 0 ? 0 : random.nextInt(30);
            try {
                RangeSet set = RangeSet.parse(h.toString(), size);
                if (set == null) continue;
                long total = 0;
                List<ByteRange> sorted = new ArrayList<>(set.ranges());
                sorted.sort(java.util.Comparator.comparingLong(ByteRange::start));
                for (int k = 0; k < sorted.size(); k++) {
                    ByteRange r = sorted.get(k);
                    assertTrue(r.start() >= 0 && r.start() <= r.end() && r.end() < size, h + " on " + size + ": " + r);
                    if (k > 0) assertTrue(sorted.get(k - 1).end() + 1 < r.start(), h + " on " + size + ": " + sorted);
                    total += r.length();
                }
                assertTrue(total <= size && set.ranges().size() <= RangeSet.MAX_RANGES, h + " on " + size);
            } catch (HttpError e) {
                assertEquals(416, e.status, h + " on " + size);
            }
        }
    }

    @Test
    void severalRangesStayInTheOrderAskedFor() throws HttpError {
        assertEquals(of(0, 9, 100, 109), ranges("bytes=0-9,100-109", 1000));
        assertEquals(of(500, 509, 0, 9), ranges("bytes=500-509,0-9", 1000));
        assertEquals(of(0, 0, 500, 509, 999, 999), ranges("bytes=0-0, 500-509 ,-1", 1000));
        assertEquals(of(0, 0, 12, 12), ranges("bytes=0-0,-1", 13));  // curl -r 0-0,-1
        assertEquals(of(0, 1, 5, 6), ranges("bytes=0-1,,5-6,", 13));  // empty list elements are ignored
        assertEquals(of(990, 999, 0, 9), ranges("bytes=-10,0-9", 1000));
    }

    @Test
    void overlappingOrAdjacentRangesAreMergedWhereTheFirstOfThemWasAskedFor() throws HttpError {
        assertEquals(of(0, 8), ranges("bytes=0-5,3-8", 13));
        assertEquals(of(0, 19), ranges("bytes=0-9,10-19", 1000));
        assertEquals(of(0, 99), ranges("bytes=10-20,0-99", 1000));  // one inside the other
        assertEquals(of(500, 520, 0, 29), ranges("bytes=500-510,20-29,505-520,0-19", 1000));
        assertEquals(of(100, 109, 0, 19), ranges("bytes=100-109,10-19,0-9", 1000));
        assertEquals(of(0, 12), ranges("bytes=0-5,6-", 13));
    }

    @Test
    void unsatisfiableRangesAreDroppedAndNoneSatisfiableIs416() throws HttpError {
        assertEquals(of(0, 9), ranges("bytes=0-9,5000-", 1000));
        assertEquals(of(990, 999), ranges("bytes=-0,-10,1000-1001", 1000));
        assertEquals(416, assertThrows(HttpError.class, () -> RangeSet.parse("bytes=2000-,3000-", 1000)).status);
        assertEquals(416, assertThrows(HttpError.class, () -> RangeSet.parse("bytes=1000-,-0", 1000)).status);
        assertEquals(416, assertThrows(HttpError.class, () -> RangeSet.parse("bytes=1-1,2-", 0)).status);
    }

    @Test
    void aRangeThatDoesNotParseMakesTheWholeHeaderIgnored() throws HttpError {
        for (String h : new String[] { "bytes=0-9,abc", "bytes=0-9,9-0", "bytes=0-9,5", "bytes=0-9,-", "bytes=,", "items=0-1,2-3",
                "bytes=0-9;20-29" })
            assertNull(ranges(h, 1000), h);
    }

    @Test
    void moreThan16RangesOrMoreThanTheFileGetTheWholeFile() throws HttpError {
        StringBuilder sixteen = new StringBuilder("bytes=0-0");
        for (int i = 1; i < 16; i++) sixteen.append(',').append(i * 10).append('-').append(i * 10);
        assertEquals(16, ranges(sixteen.toString(), 1000).size());
        assertNull(ranges(sixteen + ",500-500", 1000), "17 ranges");
        assertNull(ranges(sixteen + ",,,,,500-500", 1000), "17 ranges, empty elements aside");
        assertNull(ranges("bytes=0-999,0-999", 1000), "twice the file");
        assertNull(ranges("bytes=0-,1-", 1000));
        assertNull(ranges("bytes=0-600,400-999", 1000), "overlapping: 1201 bytes asked of 1000");
        assertEquals(of(0, 999), ranges("bytes=0-499,500-999", 1000), "exactly the file");
        assertNull(ranges("bytes=0-" + Long.MAX_VALUE + ",0-", Long.MAX_VALUE), "no overflow");
    }

    @Test
    void theMultipartBodyIsNginxsByteForByte() {
        // what nginx 1.22 sends for curl -r 0-0,-1 on a 13-byte text file (its boundaries count from 1)
        String b = "00000000000000000001";
        String nginx = "\r\n--" + b + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/13\r\n\r\nh"
                + "\r\n--" + b + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 12-12/13\r\n\r\n\n"
                + "\r\n--" + b + "--\r\n";
        MultipartByteRanges body = MultipartByteRanges.of(of(0, 0, 12, 12), 13, "text/plain", b);
        byte[] file = "hello, world\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(nginx, new String(materialize(body, file), StandardCharsets.ISO_8859_1));
        assertEquals(198, body.contentLength());
        assertEquals("multipart/byteranges; boundary=" + b, body.contentType());
        assertEquals(5, body.segments().size());
        assertEquals(new MultipartByteRanges.FileRegion(12, 1), body.segments().get(3));
    }

    @Test
    void partsWithoutATypeAndBoundariesThatNeedQuotes() {
        MultipartByteRanges body = MultipartByteRanges.of(of(1, 2), 10, null, "a b");
        assertEquals("multipart/byteranges; boundary=\"a b\"", body.contentType());
        assertEquals("\r\n--a b\r\nContent-Range: bytes 1-2/10\r\n\r\n12\r\n--a b--\r\n",
                new String(materialize(body, "0123456789".getBytes()), StandardCharsets.ISO_8859_1));
        for (String bad : new String[] { "", "a".repeat(71), "trailing ", "semi;colon", "quote\"", "new\nline" })
            assertThrows(IllegalArgumentException.class, () -> MultipartByteRanges.of(of(0, 0), 1, null, bad), bad);
        assertThrows(IllegalArgumentException.class, () -> MultipartByteRanges.of(of(0, 10), 10, null, "b"));
    }

    /** nginx, where it is installed, sends what RangeSet and MultipartByteRanges make, byte for byte. */
    @Test
    void nginxSendsTheSameBytes(@TempDir Path work) throws Exception {
        assumeTrue(ReferenceServer.Kind.NGINX.find() != null, "nginx is not installed (package nginx-light)");
        Path root = Files.createDirectories(work.resolve("root"));
        byte[] bin = new byte[1000];
        new Random(14).nextBytes(bin);
        Files.write(root.resolve("f.bin"), bin);
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        String probe = UUID.randomUUID().toString();
        Files.writeString(root.resolve("probe.txt"), probe);
        for (Path p = root; p.startsWith(work); p = p.getParent())
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ReferenceServer nginx = ReferenceServer.start(ReferenceServer.Kind.NGINX, root, work.resolve("nginx"), "probe.txt", probe)) {
            for (String[] c : new String[][] { { "/hello.txt", "bytes=0-0,-1", "text/plain" },
                    { "/f.bin", "bytes=0-9,500-,100-109", "application/octet-stream" }, { "/f.bin", "bytes=-1,0-0", "application/octet-stream" } }) {
                byte[] file = Files.readAllBytes(root.resolve(c[0].substring(1)));
                RawHttp.Exchange e = RawHttp.exchange(nginx.port(), ("GET " + c[0] + " HTTP/1.1\r\nHost: localhost\r\nRange: " + c[1]
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), 5_000);
                RawHttp.Response r = e.responses().get(0);
                assertEquals(206, r.status(), c[1]);
                String boundary = r.header("content-type").substring(r.header("content-type").indexOf("boundary=") + 9);
                MultipartByteRanges ours = MultipartByteRanges.of(RangeSet.parse(c[1], file.length).ranges(), file.length, c[2], boundary);
                assertEquals(ours.contentType(), r.header("content-type"), c[1]);
                assertEquals(String.valueOf(ours.contentLength()), r.header("content-length"), c[1]);
                assertArrayEquals(r.body(), materialize(ours, file), c[1]);
            }
        }
    }

    /** The body a sender makes of the layout: the heap bytes, and the file's bytes for each region. */
    private static byte[] materialize(MultipartByteRanges body, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MultipartByteRanges.Segment s : body.segments()) {
            if (s instanceof MultipartByteRanges.Bytes b) out.writeBytes(b.bytes());
            else if (s instanceof MultipartByteRanges.FileRegion f)
                out.writeBytes(Arrays.copyOfRange(file, (int) f.offset(), (int) (f.offset() + f.length())));
        }
        byte[] bytes = out.toByteArray();
        assertEquals(body.contentLength(), bytes.length, "Content-Length is the sum of the segments");
        return bytes;
    }

    /**
     * The single-range parser the server had before RangeSet (RFC 9110 section 14.1 grammar; several
     * ranges, another unit or a header that does not parse: null, the whole file), kept as the
     * oracle for one range.
     */
    private static ByteRange singleRange(String header, long size) throws HttpError {
        if (header == null) return null;
        String h = header.strip();
        if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=") || h.indexOf(',') >= 0) return null;
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String first = spec.substring(0, dash).strip(), last = spec.substring(dash + 1).strip();
        if (first.isEmpty()) {
            long n = ByteRange.digits(last);
            if (n < 0) return null;
            if (n == 0 || size == 0) throw new HttpError(416, "range not satisfiable");
            return new ByteRange(Math.max(0, size - n), size - 1);
        }
        long start = ByteRange.digits(first), end = last.isEmpty() ? Long.MAX_VALUE : ByteRange.digits(last);
        if (start < 0 || end < 0 || end < start) return null;
        if (start >= size) throw new HttpError(416, "range not satisfiable");
        return new ByteRange(start, Math.min(end, size - 1));
    }
}
