package io.muxkit.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a multipart/byteranges response (RFC 9110 section 14.6), laid out for a sender
 * that keeps file bytes off the heap: each part's head (delimiter, Content-Type, Content-Range)
 * and the close delimiter as bytes, each part's body as a region of the file to sendfile. The
 * layout is nginx's: "\r\n--B\r\nContent-Type: T\r\nContent-Range: bytes s-e/size\r\n\r\n"
 * before each part, "\r\n--B--\r\n" at the end.
 *
 * @param contentType   the response's Content-Type, "multipart/byteranges; boundary=B"
 * @param segments      what to send, in order: {@link Bytes} and {@link FileRegion}
 * @param contentLength the response's Content-Length, the sum of the segments' lengths
 */
public record MultipartByteRanges(String contentType, List<Segment> segments, long contentLength) {
    /** A piece of the body: heap bytes or a file region. */
    public sealed interface Segment permits Bytes, FileRegion {
        long length();
    }

    /** Bytes built here: a part's head, or the close delimiter. */
    public record Bytes(byte[] bytes) implements Segment {
        @Override
        public long length() {
            return bytes.length;
        }
    }

    /** length bytes of the file from offset: a part's body. */
    public record FileRegion(long offset, long length) implements Segment {}

    public MultipartByteRanges {
        segments = List.copyOf(segments);
    }

    /**
     * The body for ranges of a file of size bytes whose own Content-Type is partType (null: the
     * parts have none), delimited by boundary.
     *
     * @throws IllegalArgumentException for a boundary RFC 2046 section 5.1.1 does not allow
     *                                  (1 to 70 of its characters, not ending in a space)
     */
    public static MultipartByteRanges of(List<ByteRange> ranges, long size, String partType, String boundary) {
        checkBoundary(boundary);
        List<Segment> segments = new ArrayList<>(2 * ranges.size() + 1);
        long length = 0;
        for (ByteRange r : ranges) {
            if (r.start() < 0 || r.end() < r.start() || r.end() >= size) throw new IllegalArgumentException(r + " is not within " + size + " bytes");
            String head = "\r\n--" + boundary + "\r\n"
                    + (partType == null ? "" : "Content-Type: " + partType + "\r\n")
                    + "Content-Range: bytes " + r.start() + "-" + r.end() + "/" + size + "\r\n\r\n";
            segments.add(new Bytes(head.getBytes(StandardCharsets.ISO_8859_1)));
            segments.add(new FileRegion(r.start(), r.length()));
            length += head.length() + r.length();
        }
        Bytes close = new Bytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        segments.add(close);
        boolean token = boundary.chars().allMatch(c -> Character.isLetterOrDigit(c) || "'+-._".indexOf(c) >= 0);
        return new MultipartByteRanges("multipart/byteranges; boundary=" + (token ? boundary : '"' + boundary + '"'), segments,
                length + close.length());
    }

    private static void checkBoundary(String boundary) {
        String bchars = "'()+_,-./:=? ";
        boolean ok = !boundary.isEmpty() && boundary.length() <= 70 && !boundary.endsWith(" ");
        for (int i = 0; ok && i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || bchars.indexOf(c) >= 0;
        }
        if (!ok) throw new IllegalArgumentException("not a multipart boundary (RFC 2046 section 5.1.1): '" + boundary + "'");
    }
}
