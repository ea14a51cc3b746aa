package io.muxkit.files;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.net.FileFds;
import io.muxkit.http.HttpError;
import io.muxkit.output.Json;

/**
 * A directory listing, as HTML for browsers or JSON for {@code Accept: application/json}. The
 * entries are read with getdents64 and fstatat through the shim, so names are their bytes whatever
 * the locale, and an entry that vanishes meanwhile is left out rather than failing the listing.
 * Every entry is listed, its name UTF-8 or not ({@link FileNames}), with an href that
 * percent-encodes its bytes (a GET of it serves that file). Names are shown safe for a terminal:
 * in HTML a control character or a byte that is not UTF-8 is shown as \xHH; in JSON controls are
 * JSON escapes (backslash, u, 001b for ESC) and such a byte is U+FFFD in "name", exact in "href". At most
 * {@link #MAX_ENTRIES} entries (the first by name) and {@link #MAX_BYTES} bytes, which bound what
 * a response holds per connection; a longer listing says so (a line in the HTML, and the
 * X-Muxkit-Listing header).
 */
final class Listing {
    static final int MAX_ENTRIES = 10_000;
    static final int MAX_BYTES = 1 << 20;
    /** An entry's modification time in the HTML listing, UTC to the second. */
    private static final DateTimeFormatter MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** A rendered listing: its Content-Type, bytes, and how many entries the directory has. */
    record Body(String contentType, byte[] bytes, int shown, int total) {}

    private Listing() {}

    /** Lists the directory open as dirFd, shown as "/rel"; scratch is a native buffer for getdents. */
    static Body render(int dirFd, String rel, String accept, boolean allowDotFiles, NativeBuffer scratch) throws HttpError {
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> listed = new ArrayList<>();  // each entry's name as read, for the HTML
        int total;
        try {
            List<String> names = new ArrayList<>();
            total = firstNames(dirFd, allowDotFiles, scratch, names);
            for (String name : names) {
                RootDir.Stat st = RootDir.statEntry(dirFd, name);
                if (st == null) continue;  // removed since it was read
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", FileNames.lossy(name));
                e.put("type", st.directory() ? "dir" : st.kind() == RootDir.Stat.Kind.SYMLINK ? "link" : "file");
                if (!st.directory()) e.put("size", st.size());  // a directory's st_size (4096) says nothing about it
                e.put("mtime", st.mtimeSeconds());
                e.put("href", RequestPath.encode(name) + (st.directory() ? "/" : ""));
                entries.add(e);
                listed.add(name);
            }
        } catch (NativeIOException e) {
            throw new HttpError(500, "cannot list the directory: " + e.errnoName());
        }
        boolean json = accept != null && accept.contains("application/json");
        return json ? json(entries, total) : html(entries, listed, total, rel);
    }

    /** The first MAX_ENTRIES names by name, in order, into names; returns how many the directory has. */
    private static int firstNames(int dirFd, boolean allowDotFiles, NativeBuffer buf, List<String> names) throws NativeIOException {
        PriorityQueue<String> first = new PriorityQueue<>(Comparator.reverseOrder());  // top: the greatest kept
        int total = 0;
        byte[] name = new byte[256];
        for (int n; (n = FileFds.getdents(dirFd, buf)) > 0; ) {
            for (int at = 0; at < n; at += buf.getShort(at + Native.DIRENT_RECLEN) & 0xffff) {
                int len = 0;
                while (len < name.length && (name[len] = buf.getByte(at + Native.DIRENT_NAME + len)) != 0) len++;
                String s = FileNames.decode(name, 0, len);
                if (s.equals(".") || s.equals("..") || (s.startsWith(".") && !allowDotFiles) || s.startsWith(RootDir.UPLOAD_PREFIX))
                    continue;
                total++;
                first.add(s);
                if (first.size() > MAX_ENTRIES) first.poll();
            }
        }
        String[] sorted = first.toArray(String[]::new);
        Arrays.sort(sorted);
        names.addAll(Arrays.asList(sorted));
        return total;
    }

    private static Body json(List<Map<String, Object>> entries, int total) {
        StringBuilder out = new StringBuilder("[");
        int shown = 0;
        for (Map<String, Object> e : entries) {
            String item = Json.write(e);
            if (out.length() + item.length() + 2 > MAX_BYTES) break;
            out.append(shown++ == 0 ? "" : ", ").append(item);
        }
        return new Body("application/json", out.append(']').toString().getBytes(StandardCharsets.UTF_8), shown, total);
    }

    private static Body html(List<Map<String, Object>> entries, List<String> names, int total, String rel) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/")
                .append(escape(rel)).append("</title></head><body>\n<h1>/").append(escape(rel)).append("</h1>\n<ul>\n");
        if (!rel.isEmpty()) html.append("<li><a href=\"../\">../</a></li>\n");
        int shown = 0;
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> e = entries.get(i);
            String name = names.get(i) + ("dir".equals(e.get("type")) ? "/" : "");
            String modified = MODIFIED.format(Instant.ofEpochSecond((Long) e.get("mtime")));
            String item = "<li><a href=\"" + e.get("href") + "\">" + escape(name) + "</a> <time>" + modified
                    + "</time> " + e.getOrDefault("size", "-") + "</li>\n";
            if (html.length() + item.length() > MAX_BYTES - 200) break;
            html.append(item);
            shown++;
        }
        html.append("</ul>\n");
        if (total > shown)
            html.append("<p>").append(total - shown).append(" more entries not listed: muxkit lists at most ")
                .append(MAX_ENTRIES).append(" entries and ").append(MAX_BYTES >> 10).append(" KiB.</p>\n");
        html.append("</body></html>\n");
        return new Body("text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8), shown, total);
    }

    /** Text for HTML: markup escaped, and nothing a terminal would act on ({@link FileNames#display}). */
    private static String escape(String s) {
        return FileNames.display(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
