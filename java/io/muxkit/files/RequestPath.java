package io.muxkit.files;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

import io.muxkit.http.DotSegments;
import io.muxkit.http.HttpError;

/**
 * The path of a request target, percent-decoded and checked before it is used: no "..",
 * no encoded slash, no backslash, no NUL, dot-files only when allowed, and never the name of an
 * upload in progress, whatever is allowed. The result is relative
 * ("" for the root, "a/b.txt") and is then opened beneath the root, never on its own.
 *
 * @param relative      the decoded path without leading or trailing slashes, "" for the root
 * @param trailingSlash whether the target ended in "/" (a directory was asked for)
 */
public record RequestPath(String relative, boolean trailingSlash) {
    /** The directory part of the relative path ("" at the root) and the last name. */
    public String parent() {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? "" : relative.substring(0, slash);
    }

    public String name() {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }

    /** Whether the path's bytes are UTF-8: a name that is not can be served, but an upload does not make one. */
    public boolean utf8() {
        return FileNames.utf8(relative);
    }

    /**
     * Decodes and checks the path of a request target: origin-form ("/a/b?q") or absolute-form
     * ("http://host/a/b", which a server must accept: RFC 9112 section 3.2.2), ASCII only. Its
     * percent-escapes are bytes, UTF-8 or not, as a file name's are ({@link FileNames}).
     */
    public static RequestPath decode(String target, boolean allowDotFiles) throws HttpError {
        for (int i = 0; i < target.length(); i++)
            if (target.charAt(i) <= ' ' || target.charAt(i) >= 0x7f) throw new HttpError(400, "a request target is printable ASCII");
        target = originForm(target);
        if (!target.startsWith("/")) throw new HttpError(400, "the request target must start with /");
        int q = target.indexOf('?');
        String raw = q >= 0 ? target.substring(0, q) : target;
        int hash = raw.indexOf('#');
        if (hash >= 0) raw = raw.substring(0, hash);
        if (raw.contains("%2f") || raw.contains("%2F") || raw.contains("%5c") || raw.contains("%5C"))
            throw new HttpError(400, "encoded slashes are not allowed in paths");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) throw new HttpError(400, "bad percent-encoding");
                int hi = Character.digit(raw.charAt(i + 1), 16), lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new HttpError(400, "bad percent-encoding");
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        byte[] decoded = bytes.toByteArray();
        String path = FileNames.decode(decoded, 0, decoded.length);  // a name need not be UTF-8: its bytes are kept
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) throw new HttpError(400, "NUL or backslash in path");
        path = DotSegments.remove(path);  // "/a/./b/../c" is "/a/c", "//" is "/" (RFC 3986 section 5.2.4); no ".." is left
        if (path == null) throw new HttpError(400, "the path climbs above the root");
        boolean slash = path.endsWith("/");
        StringBuilder rel = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) continue;  // the leading one (DotSegments left no other, and no "." or "..")
            if (segment.startsWith(RootDir.UPLOAD_PREFIX)) throw new HttpError(403, "that name is reserved for uploads in progress");
            if (segment.startsWith(".") && !allowDotFiles) throw new HttpError(404, "not found");
            if (rel.length() > 0) rel.append('/');
            rel.append(segment);
        }
        return new RequestPath(rel.toString(), slash);
    }

    /** "http://host/a?q" is "/a?q"; "http://host" is "/"; anything else is left as it is. */
    private static String originForm(String target) {
        int colon = target.indexOf("://");
        if (colon < 0 || target.startsWith("/")) return target;
        String scheme = target.substring(0, colon);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) return target;
        int path = colon + 3;
        while (path < target.length() && target.charAt(path) != '/' && target.charAt(path) != '?') path++;
        String rest = target.substring(path);
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /** Percent-encodes a path (its bytes: {@link FileNames}) for a Location header or a link; {@link #decode} gives it back. */
    public static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : FileNames.bytes(path)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0)
                out.append((char) c);
            else out.append('%').append(String.format(Locale.ROOT, "%02X", c));
        }
        return out.toString();
    }
}
