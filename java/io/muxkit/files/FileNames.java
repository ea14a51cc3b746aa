package io.muxkit.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * File names are bytes; the file server holds them as Strings. Valid UTF-8 decodes as usual, and
 * each byte of an invalid sequence becomes the lone surrogate U+DC00 + byte (Python's
 * "surrogateescape"), which no valid UTF-8 decodes to, so {@link #bytes} gives back the very
 * bytes: every name round-trips from getdents, a request's percent-escapes and inotify to openat2.
 * Names go to the kernel only through {@link #cString}, never through jnr's String encoding (which
 * would turn those surrogates into '?').
 */
final class FileNames {
    private static final char ESCAPED = 0xDC00;

    private FileNames() {}

    /** The name in b[off, off + len), its invalid bytes kept as escapes. */
    static String decode(byte[] b, int off, int len) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(len);  // a byte decodes to at most one char, an escape to one
        while (true) {
            CoderResult r = utf8.decode(in, out, true);
            if (r.isUnderflow()) break;
            for (int i = 0; i < r.length(); i++) out.put((char) (ESCAPED + (in.get() & 0xff)));  // malformed: escape each byte
        }
        utf8.flush(out);
        return out.flip().toString();
    }

    /** Whether a name made by {@link #decode} was valid UTF-8. */
    static boolean utf8(String name) {
        for (int i = 0; i < name.length(); i++) if (escaped(name, i)) return false;
        return true;
    }

    /** The bytes of a name made by {@link #decode}. */
    static byte[] bytes(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        int from = 0;
        for (int i = 0; i < name.length(); i++) {
            if (!escaped(name, i)) continue;
            out.writeBytes(name.substring(from, i).getBytes(StandardCharsets.UTF_8));
            out.write(name.charAt(i) - ESCAPED);
            from = i + 1;
        }
        out.writeBytes(name.substring(from).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@link #bytes} NUL-terminated: what the shim's path parameters take. */
    static byte[] cString(String name) {
        byte[] b = bytes(name);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, b.length);
        return c;
    }

    /**
     * The name for a person to read, safe in a terminal: control characters (C0, DEL, C1: ESC,
     * newline, CSI) and bytes that are not UTF-8 are shown as \xHH, never as they are.
     */
    static String display(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (escaped(name, i)) out.append(String.format(Locale.ROOT, "\\x%02x", c - ESCAPED));
            else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else out.append(c);
        }
        return out.toString();
    }

    /** The name as a UTF-8 reader shows it: each byte that is not UTF-8 as U+FFFD (for JSON, which must be UTF-8). */
    static String lossy(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) out.append(escaped(name, i) ? '\uFFFD' : name.charAt(i));
        return out.toString();
    }

    /** Whether the char at i stands for a byte that is not UTF-8: a low surrogate U+DC80..U+DCFF with no high one before it. */
    private static boolean escaped(String s, int i) {
        char c = s.charAt(i);
        return c >= ESCAPED + 0x80 && c <= ESCAPED + 0xff && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
