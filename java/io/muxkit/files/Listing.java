package io.muxkit.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.muxkit.http.HttpError;
import io.muxkit.output.Json;

/** A directory listing, as HTML for browsers or JSON for {@code Accept: application/json}. */
final class Listing {
    /** A rendered listing: its Content-Type and bytes. */
    record Body(String contentType, byte[] bytes) {}

    private Listing() {}

    /** Lists the directory open as dirFd, shown as "/rel"; dot-files only when allowed. */
    static Body render(int dirFd, String rel, String accept, boolean allowDotFiles) throws HttpError {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd", String.valueOf(dirFd)))) {
            for (Path p : (Iterable<Path>) list.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && !allowDotFiles) continue;
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", name);
                e.put("type", a.isDirectory() ? "dir" : a.isSymbolicLink() ? "link" : "file");
                e.put("size", a.size());
                e.put("mtime", a.lastModifiedTime().toInstant().getEpochSecond());
                entries.add(e);
            }
        } catch (IOException e) {
            throw new HttpError(500, "cannot list the directory: " + e.getMessage());
        }
        if (accept != null && accept.contains("application/json"))
            return new Body("application/json", Json.write(entries).getBytes(StandardCharsets.UTF_8));
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/")
                .append(escape(rel)).append("</title></head><body>\n<h1>/").append(escape(rel)).append("</h1>\n<ul>\n");
        if (!rel.isEmpty()) html.append("<li><a href=\"../\">../</a></li>\n");
        for (Map<String, Object> e : entries) {
            String name = (String) e.get("name") + ("dir".equals(e.get("type")) ? "/" : "");
            html.append("<li><a href=\"").append(RequestPath.encode(name)).append("\">").append(escape(name))
                .append("</a> ").append(e.get("size")).append("</li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        return new Body("text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
