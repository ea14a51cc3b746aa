package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.testing.Io;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp.Response;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 20, item 4: names with control characters and names that are not UTF-8, on every
 * io, cached and not. The listing shows no raw control character (no terminal-escape
 * injection for anyone who reads it with curl), lists every entry, and each href percent-encodes
 * the name's bytes, so that a GET of it serves that very file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListingTest {
    /** The names as sh's printf writes them: ESC and CSI sequences, a newline, bytes that are not UTF-8, and a plain one. */
    private static final String[] NAMES = { "\\033[31mred.txt", "two\\nlines.txt", "bad\\377\\376.txt", "c1\\302\\233x.txt",
            "caf\\303\\251.txt", "plain.txt" };

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void everyNameIsListedSafelyAndItsHrefServesIt(Io io) throws Exception {
        for (int i = 0; i < NAMES.length; i++) {
            Process sh = new ProcessBuilder("sh", "-c", "printf 'content %s' \"$2\" > \"$1/$(printf \"$3\")\"", "sh", root.toString(),
                    String.valueOf(i), NAMES[i]).start();
            assertEquals(0, sh.waitFor(), new String(sh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        for (FileServerConfig.Cache cache : new FileServerConfig.Cache[] { FileServerConfig.Cache.defaults(), null }) {
            try (FileServer server = FileServerFixture.serving(root).cache(cache).start(io);
                 HttpConnection http = new HttpConnection(server.port())) {
                Response html = http.get("/");
                assertEquals(200, html.status());
                assertNoRawControls(html.body(), "HTML");
                String page = new String(html.body(), StandardCharsets.UTF_8);
                assertTrue(page.contains("\\x1b[31mred.txt") && page.contains("two\\x0alines.txt") && page.contains("bad\\xff\\xfe.txt")
                        && page.contains("c1\\x9bx.txt") && page.contains(">caf\u00e9.txt<"), page);
                List<String> hrefs = new ArrayList<>();
                Matcher m = Pattern.compile("<a href=\"([^\"]+)\">").matcher(page);
                while (m.find()) hrefs.add(m.group(1));
                assertEquals(NAMES.length, hrefs.size(), "every entry listed: " + page);
                assertTrue(hrefs.contains("bad%FF%FE.txt") && hrefs.contains("%1B%5B31mred.txt"), hrefs.toString());
                TreeSet<Integer> served = new TreeSet<>();
                for (String href : hrefs) {
                    int file = -1;
                    for (int twice = 0; twice < 2; twice++) {  // a miss, then (with the cache) a hit
                        Response r = http.get("/" + href);
                        assertEquals(200, r.status(), href + ": " + r.text());
                        file = Integer.parseInt(r.text().substring("content ".length()));
                    }
                    assertArrayEquals(nameBytes(NAMES[file]), percentDecode(href), href + " round-trips to the name's bytes");
                    served.add(file);
                }
                assertEquals(NAMES.length, served.size(), "each href served its own file: " + served);

                Response json = http.send("GET / HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n");
                assertEquals(200, json.status());
                assertNoRawControls(json.body(), "JSON");
                String list = new String(json.body(), StandardCharsets.UTF_8);
                assertTrue(list.contains("\"bad\uFFFD\uFFFD.txt\"") && list.contains("\"bad%FF%FE.txt\"")
                        && list.contains("\\u001b[31mred.txt") && list.contains("two\\nlines.txt") && list.contains("c1\\u009bx.txt"), list);
                for (String href : hrefs) assertTrue(list.contains("\"" + href + "\""), href + " in " + list);
            }
        }
    }

    /** What sh's printf makes of a name: its bytes. */
    private static byte[] nameBytes(String printf) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "printf \"$1\"", "sh", printf).start();
        byte[] out = sh.getInputStream().readAllBytes();
        assertEquals(0, sh.waitFor());
        return out;
    }

    /** No C0 control but the page's own newlines (each after a tag), no DEL, no C1 (as UTF-8: C2 80..9F). */
    private static void assertNoRawControls(byte[] body, String what) {
        String text = new String(body, StandardCharsets.UTF_8).replace(">\n", ">");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertFalse(c < 0x20 || (c >= 0x7f && c <= 0x9f),
                    what + " has a raw control 0x" + Integer.toHexString(c) + " at " + i + ": " + text);
        }
    }

    private static byte[] percentDecode(String href) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < href.length(); i++) {
            if (href.charAt(i) == '%') {
                out.write(Integer.parseInt(href.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(href.charAt(i));
            }
        }
        return out.toByteArray();
    }
}
