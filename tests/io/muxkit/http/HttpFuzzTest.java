package io.muxkit.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

/**
 * The HTTP parsers under Jazzer. In `mvn verify` each target replays its committed corpus
 * (HttpFuzzTestInputs/&lt;method&gt;/); `JAZZER_FUZZ=1 mvn test -Dtest=HttpFuzzTest#headParser` fuzzes
 * one for real (docs/reliability.md, "Fuzzing"). The properties hold for every input, not just "no crash".
 */
class HttpFuzzTest {
    /** The only exception a parser may throw: its HttpError, with a 4xx or 5xx status. */
    private static void assertHttpError(HttpError e) {
        assertTrue(e.status >= 400 && e.status < 600, "status " + e.status + ": " + e.getMessage());
    }

    /**
     * A request head as a socket delivers it: refused with a 4xx/5xx, or parsed into a request
     * that re-serialises to the same method, target, version and headers, none of which holds a
     * CR, LF or NUL.
     */
    @FuzzTest(maxDuration = "10m")
    void headParser(byte[] input) {
        try {
            int skip = HttpRequest.leadingEmptyLine(input, input.length);
            byte[] bytes = java.util.Arrays.copyOfRange(input, skip, input.length);
            HttpRequest.checkStart(bytes, bytes.length);
            int headLength = HttpRequest.headLength(bytes, bytes.length);
            if (headLength < 0) return;  // not complete: the server waits for more (up to its cap)
            HttpRequest r = HttpRequest.parse(bytes, headLength);
            for (Map.Entry<String, String> h : r.headers().entrySet())
                for (char c : (h.getKey() + h.getValue()).toCharArray())
                    assertFalse(c == '\r' || c == '\n' || c == 0, "a control character got through in " + h);
            StringBuilder again = new StringBuilder(r.method()).append(' ').append(r.target())
                    .append(r.http11() ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
            r.headers().forEach((name, value) -> again.append(name).append(": ").append(value).append("\r\n"));
            byte[] head = again.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            HttpRequest reparsed = HttpRequest.parse(head, HttpRequest.headLength(head, head.length));
            assertEquals(r, reparsed, "a parsed request re-serialises to itself");
            r.keepAlive();
            r.contentLength();
            r.chunked();
        } catch (HttpError e) {
            assertHttpError(e);
        }
    }

    /**
     * A chunked body split at random points decodes to exactly what it decodes to in one piece,
     * and a body encoded from random chunks decodes to those chunks' bytes, however it is split.
     */
    @FuzzTest(maxDuration = "10m")
    void chunkedDecoder(FuzzedDataProvider data) {
        boolean wellFormed = data.consumeBoolean();
        byte[] input, expected = null;
        if (wellFormed) {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(), plain = new ByteArrayOutputStream();
            int chunks = data.consumeInt(0, 8);
            for (int i = 0; i < chunks; i++) {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 300));
                if (chunk.length == 0) break;
                encoded.writeBytes((Integer.toHexString(chunk.length) + (data.consumeBoolean() ? ";x=y" : "") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                encoded.writeBytes(chunk);
                encoded.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.writeBytes(chunk);
            }
            encoded.writeBytes((data.consumeBoolean() ? "0\r\nTrailer: t\r\n\r\n" : "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            input = encoded.toByteArray();
            expected = plain.toByteArray();
        } else {
            input = data.consumeBytes(4096);
        }
        Decoded whole = decode(input, new int[] { input.length });
        int[] splits = new int[data.consumeInt(1, 16)];
        for (int i = 0; i < splits.length; i++) splits[i] = data.consumeInt(0, input.length);
        Decoded pieces = decode(input, splits);
        assertEquals(whole.error, pieces.error, "the same verdict, however the bytes arrive");
        if (whole.error == null) {
            assertArrayEquals(whole.output, pieces.output, "the same body, however the bytes arrive");
            assertEquals(whole.used, pieces.used);
            assertEquals(whole.done, pieces.done);
        }
        if (wellFormed) {
            assertNotNull(expected);
            assertEquals(null, whole.error, "a well-formed body is accepted");
            assertTrue(whole.done);
            assertArrayEquals(expected, whole.output, "the reference decoding: the chunks' own bytes");
            assertEquals(input.length, whole.used);
        }
    }

    private record Decoded(byte[] output, int used, boolean done, Integer error) {}

    /** Feeds input in pieces ending at the given offsets (and then the rest), as reads would. */
    private static Decoded decode(byte[] input, int[] cuts) {
        ChunkedDecoder decoder = new ChunkedDecoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] ends = cuts.clone();
        java.util.Arrays.sort(ends);
        int start = 0, used = 0;
        try {
            for (int k = 0; k <= ends.length && !decoder.done(); k++) {
                int end = k < ends.length ? ends[k] : input.length;
                if (end <= start) continue;
                byte[] piece = java.util.Arrays.copyOfRange(input, start, end);
                int n = decoder.feed(piece, 0, piece.length, (off, len) -> out.write(piece, off, len));
                assertTrue(n == piece.length || decoder.done(), "bytes are left unused only once done");
                used += n;
                start = end;
            }
        } catch (HttpError e) {
            assertHttpError(e);
            return new Decoded(null, used, false, e.status);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return new Decoded(out.toByteArray(), used, decoder.done(), null);
    }

    /**
     * A Range header against a file of any size: null (the whole file), a 416, or at most 16 ranges
     * inside it that neither overlap nor touch and add up to no more than it.
     */
    @FuzzTest(maxDuration = "10m")
    void rangeParser(@NotNull String header, long size) {
        long fileSize = Math.abs(size % (1L << 50));
        try {
            RangeSet set = RangeSet.parse(header, fileSize);
            if (set == null) return;
            List<ByteRange> sorted = new java.util.ArrayList<>(set.ranges());
            sorted.sort(java.util.Comparator.comparingLong(ByteRange::start));
            assertTrue(!sorted.isEmpty() && sorted.size() <= RangeSet.MAX_RANGES, set.toString());
            long total = 0, lastEnd = -2;
            for (ByteRange r : sorted) {
                assertTrue(r.start() >= 0 && r.start() <= r.end() && r.end() < fileSize, r + " in a file of " + fileSize);
                assertTrue(r.start() > lastEnd + 1, "overlapping or touching ranges left unmerged: " + set);
                lastEnd = r.end();
                total += r.length();
            }
            assertTrue(total <= fileSize, set.toString());
        } catch (HttpError e) {
            assertEquals(416, e.status, e.getMessage());
        }
    }
}
