package io.muxkit.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;

import io.muxkit.http.HttpError;
import io.muxkit.output.Json;

/**
 * A directory listing, as HTML for browsers or JSON for {@code Accept: application/json}. At most
 * {@link #MAX_ENTRIES} entries (the first, by name), which bounds what a response holds per
 * connection; a longer listing says so (a line in HTML, and the X-Muxkit-Listing header).
 */
final class Listing {
    static final int MAX_ENTRIES = 10_000;

    /** A rendered listing: its Content-Type, bytes, and how many entries the directory has. */
    record Body(String contentType, byte[] bytes, int shown, int total) {}

    private Listing() {}

    /** Lists the directory open as dirFd, shown as "/rel"; dot-files only when allowed. */
    static Body render(int dirFd, String rel, String accept, boolean allowDotFiles) throws HttpError {
        List<Map<String, Object>> entries = new ArrayList<>();
        int total = 0;
        // the first MAX_ENTRIES names, kept in a heap whose top is the greatest: memory bounded however large the directory
        PriorityQueue<Path> first = new PriorityQueue<>(Comparator.reverseOrder());
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd", String.valueOf(dirFd)))) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if ((name.startsWith(".") && !allowDotFiles) || name.startsWith(RootDir.UPLOAD_PREFIX)) continue;
                total++;
                first.add(p);
                if (first.size() > MAX_ENTRIES) first.poll();
            }
            Path[] sorted = first.toArray(Path[]::new);
            Arrays.sort(sorted);
            for (Path p : sorted) {
                String name = p.getFileName().toString();
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", name);
                e.put("type", a.isDirectory() ? "dir" : a.isSymbolicLink() ? "link" : "file");
                e.put("size", a.size());
                e.put("mtime", a.lastModifiedTime().toInstant().getEpochSecond());
                entries.add(e);
            }
        } catch (IOException | UncheckedIOException e) {  // the stream throws the unchecked kind while iterating
            throw new HttpError(500, "cannot list the directory: " + e.getMessage());
        }
        if (accept != null && accept.contains("application/json"))
            return new Body("application/json", Json.write(entries).getBytes(StandardCharsets.UTF_8), entries.size(), total);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/")
                .append(escape(rel)).append("</title></head><body>\n<h1>/").append(escape(rel)).append("</h1>\n<ul>\n");
        if (!rel.isEmpty()) html.append("<li><a href=\"../\">../</a></li>\n");
        for (Map<String, Object> e : entries) {
            String name = (String) e.get("name") + ("dir".equals(e.get("type")) ? "/" : "");
            html.append("<li><a href=\"").append(RequestPath.encode(name)).append("\">").append(escape(name))
                .append("</a> ").append(e.get("size")).append("</li>\n");
        }
        html.append("</ul>\n");
        if (total > entries.size())
            html.append("<p>").append(total - entries.size()).append(" more entries not listed: muxkit lists at most ")
                .append(MAX_ENTRIES).append(".</p>\n");
        html.append("</body></html>\n");
        return new Body("text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8), entries.size(), total);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
