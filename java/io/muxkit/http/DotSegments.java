package io.muxkit.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * remove_dot_segments of RFC 3986 section 5.2.4 on a percent-decoded path, with runs of "/"
 * merged first (as nginx's merge_slashes does: "/a//../b" is "/b"). Where the RFC clamps a ".."
 * at the root ("/../a" is "/a"), this reports the climb instead, so a server can refuse it.
 */
public final class DotSegments {
    private DotSegments() {}

    /**
     * path without "." and ".." segments and empty ones ("/a/./b/../c" is "/a/c", "//a" is "/a");
     * a trailing "/", ".", or ".." leaves a trailing "/" ("/a/b/.." is "/a/"), as in the RFC.
     *
     * @param path an absolute path, already percent-decoded
     * @return the normalized path, starting with "/"; null when a ".." would climb above the root
     * @throws IllegalArgumentException when path does not start with "/"
     */
    public static String remove(String path) {
        if (!path.startsWith("/")) throw new IllegalArgumentException("not an absolute path: " + path);
        Deque<String> kept = new ArrayDeque<>();
        String segment = "";
        for (int i = 1, end; i <= path.length(); i = end + 1) {
            end = path.indexOf('/', i);
            if (end < 0) end = path.length();
            segment = path.substring(i, end);
            if (segment.equals("..")) {
                if (kept.pollLast() == null) return null;
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                kept.addLast(segment);
            }
        }
        // the last segment says whether a directory was named: "", "." and ".." do
        boolean directory = segment.isEmpty() || segment.equals(".") || segment.equals("..");
        StringBuilder out = new StringBuilder();
        for (String name : kept) out.append('/').append(name);
        if (out.length() == 0 || directory) out.append('/');
        return out.toString();
    }
}
