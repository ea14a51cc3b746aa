package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.muxkit.process.ChildJvm;
import io.muxkit.testing.KnownDifferences;
import io.muxkit.testing.RawHttp;
import io.muxkit.testing.ReferenceServer;
import io.muxkit.testing.ReferenceServer.Kind;
import io.muxkit.testing.ResponseSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file server against nginx, lighttpd and Apache (issue 21): one root served by each, the same
 * raw requests to all, and for each request muxkit must answer as at least one installed
 * reference does (ResponseSummary says what is compared), or the difference is listed, with the
 * RFC section behind muxkit's choice, in docs/CONFORMANCE.md. An entry muxkit no longer needs
 * fails the test too, so the list shrinks as the server catches up. Without any reference
 * installed the test is skipped, naming the packages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConformanceTest {
    /**
     * One request: its group and id (the allow-list's key), its bytes, whether its answer is a
     * generated listing, and how long a server may stay silent before it is taken as not answering.
     */
    record Probe(String group, String id, String text, boolean listing, int timeoutMillis) {
        Probe withBody(String body) {
            return new Probe(group, id, text + body, listing, timeoutMillis);
        }
    }

    /** The answers of muxkit on --io completion: compared with its answers on readiness. */
    private static final String COMPLETION = "muxkit completion";
    private static final Path ALLOW_LIST = Path.of("docs", "CONFORMANCE.md");
    /** Ample for an answer on a loaded machine; a request some servers never answer waits less (see quiet). */
    private static final int READ_TIMEOUT_MILLIS = 5_000, QUIET_TIMEOUT_MILLIS = 1_000;
    /** The time every file and directory of the root was last modified, and a day on either side. */
    private static final Instant MTIME = Instant.parse("2021-06-15T12:00:00Z");
    private static final String MTIME_HTTP = "Tue, 15 Jun 2021 12:00:00 GMT", BEFORE = "Mon, 14 Jun 2021 12:00:00 GMT",
            AFTER = "Wed, 16 Jun 2021 12:00:00 GMT";

    @TempDir
    static Path work;
    private static Path root;
    private static ChildJvm muxkit, muxkitCompletion;
    private static final Map<Kind, ReferenceServer> references = new EnumMap<>(Kind.class);
    /** By request id, each server's summary of its answer ("muxkit", "muxkit completion", "nginx", ...). */
    private static final Map<String, Map<String, String>> answers = new LinkedHashMap<>();
    private static final Map<String, String> muxkitStatus = new HashMap<>();
    private static final List<Probe> probes = probes();
    private static long millis;
    /** Why the comparison cannot run here, or null. */
    private static String skipped;

    @BeforeAll
    static void serveOneRootFromEveryServer() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Kind kind : Kind.values()) if (kind.find() == null) missing.add(kind.debianPackage);
        if (!missing.isEmpty()) System.out.println("conformance: not installed, so not compared: " + missing);
        if (missing.size() == Kind.values().length) {
            skipped = "no reference server is installed: apt-get install -y " + String.join(" ", missing);
            System.out.println("conformance: skipped, " + skipped);
            return;
        }
        long start = System.nanoTime();
        String probeBody = UUID.randomUUID().toString();
        root = layOut(work.resolve("root"), probeBody);
        muxkit = ChildJvm.muxkit(null, "files", "--root", root.toString(), "--port", "0");
        int muxkitPort = muxkit.port();
        muxkitCompletion = ChildJvm.muxkit(null, "files", "--io", "completion", "--root", root.toString(), "--port", "0");
        for (Kind kind : Kind.values())
            if (kind.find() != null)
                references.put(kind, ReferenceServer.start(kind, root, work.resolve(kind.label()), "probe.txt", probeBody));

        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("muxkit", muxkitPort);
        ports.put(COMPLETION, muxkitCompletion.port());
        references.forEach((kind, server) -> ports.put(kind.label(), server.port()));
        for (Map.Entry<String, Integer> server : ports.entrySet()) {
            String etag = etagOf(server.getValue(), "/f.bin");
            for (Probe p : probes) {
                String text = p.text().replace("{etag}", etag)
                        .replace("{weak-etag}", etag.startsWith("W/") ? etag : "W/" + etag);
                RawHttp.Exchange e = RawHttp.exchange(server.getValue(), text.getBytes(StandardCharsets.UTF_8), p.timeoutMillis());
                answers.computeIfAbsent(p.id(), id -> new LinkedHashMap<>()).put(server.getKey(), ResponseSummary.of(e, p.listing()));
                if (server.getKey().equals("muxkit")) muxkitStatus.put(p.id(), ResponseSummary.status(e));
            }
        }
        millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @AfterAll
    static void stopEveryServer() throws Exception {
        for (ReferenceServer server : references.values()) server.close();
        if (muxkit != null) muxkit.close();
        if (muxkitCompletion != null) muxkitCompletion.close();
    }

    /** muxkit on io_uring's completions answers every request as on readiness: so as the references do, or as the docs say. */
    @Test
    void theCompletionPathAnswersEveryRequestAsReadinessDoes() {
        assumeTrue(skipped == null, skipped);
        List<String> differing = new ArrayList<>();
        for (Probe p : probes) {
            Map<String, String> byServer = answers.get(p.id());
            if (!byServer.get("muxkit").equals(byServer.get(COMPLETION)))
                differing.add(p.id() + ":\n  readiness:  " + byServer.get("muxkit") + "\n  completion: " + byServer.get(COMPLETION));
        }
        assertEquals(List.of(), differing);
    }

    @Test
    void muxkitAnswersAsAReferenceDoesOrTheDocsSayWhyNot() throws IOException {
        assumeTrue(skipped == null, skipped);
        Map<String, KnownDifferences.Entry> allowed = KnownDifferences.read(ALLOW_LIST);
        List<String> problems = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        table.append(String.format("conformance: %d requests, muxkit against %s, %d ms%n", probes.size(),
                references.keySet().stream().map(Kind::label).toList(), millis));
        table.append("  requests where a reference answers otherwise than muxkit; 'agrees': another reference answers as muxkit does\n");
        int agreeing = 0;
        for (Probe p : probes) {
            Map<String, String> byServer = answers.get(p.id());
            String mine = byServer.get("muxkit");
            boolean agrees = references.keySet().stream().anyMatch(k -> mine.equals(byServer.get(k.label())));
            boolean unanimous = references.keySet().stream().allMatch(k -> mine.equals(byServer.get(k.label())));
            KnownDifferences.Entry entry = allowed.get(p.id());
            String verdict;
            if (agrees) {
                agreeing++;
                verdict = "agrees";
                if (entry != null) {
                    verdict = "STALE";
                    problems.add(p.id() + ": muxkit now answers as a reference does; delete its row from " + ALLOW_LIST);
                }
            } else if (entry == null) {
                verdict = "FAIL";
                problems.add(p.id() + ": muxkit differs from every reference and " + ALLOW_LIST + " does not say why");
            } else if (!entry.muxkitStatus().equals(muxkitStatus.get(p.id()))) {
                verdict = "FAIL";
                problems.add(p.id() + ": " + ALLOW_LIST + " says muxkit answers " + entry.muxkitStatus() + ", it answers "
                        + muxkitStatus.get(p.id()));
            } else {
                verdict = entry.group().toLowerCase(Locale.ROOT).startsWith("gaps") ? "gap" : "kept";
            }
            if (unanimous) continue;
            table.append(String.format("%-6s %-7s %-22s muxkit: %s%n", verdict, p.group(), p.id(), shorten(mine)));
            if (agrees) {  // one line: who answers otherwise
                List<String> others = references.keySet().stream().filter(k -> !mine.equals(byServer.get(k.label())))
                        .map(Kind::label).toList();
                table.append(String.format("%38s(not %s)%n", "", String.join(", ", others)));
                continue;
            }
            for (Kind k : references.keySet())
                table.append(String.format("%38s%-9s %s%n", "", k.label() + ":", shorten(byServer.get(k.label()))));
        }
        for (String id : allowed.keySet())
            if (!answers.containsKey(id)) problems.add(ALLOW_LIST + " lists " + id + ", which is no request of this test");
        table.append(String.format("conformance: muxkit agrees with a reference on %d of %d requests; it answers otherwise than", agreeing,
                probes.size()));
        for (Kind k : references.keySet())
            table.append(String.format(" %s on %d", k.label(),
                    probes.stream().filter(p -> !answers.get(p.id()).get("muxkit").equals(answers.get(p.id()).get(k.label()))).count()));
        table.append('\n');
        System.out.print(table);
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n(the table of differences is in the test's output)");
    }

    @Test
    void everyGroupOfIssue21IsCovered() {
        assertTrue(probes.size() >= 80, probes.size() + " requests");
        for (String group : List.of("range", "cond", "method", "path", "framing", "version"))
            assertTrue(probes.stream().filter(p -> p.group().equals(group)).count() >= 6, group);
        assertTrue(probes.stream().map(Probe::id).distinct().count() == probes.size(), "ids are unique");
    }

    /** summary, cut to fit a line of the table. */
    private static String shorten(String summary) {
        return summary.length() <= 160 ? summary : summary.substring(0, 120) + " ... " + summary.substring(summary.length() - 35);
    }

    /** The root: files of several sizes and types, an empty one, directories with and without index.html, names to encode. */
    private static Path layOut(Path dir, String probeBody) throws IOException {
        Random random = new Random(21);
        byte[] f = new byte[1000], big = new byte[300_000];
        random.nextBytes(f);
        random.nextBytes(big);
        Files.createDirectories(dir.resolve("a/b"));
        Files.createDirectories(dir.resolve("withindex"));
        Files.createDirectories(dir.resolve("noindex"));
        Files.write(dir.resolve("f.bin"), f);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("empty.txt"), "");
        Files.writeString(dir.resolve("hello.txt"), "hello, world\n");
        Files.writeString(dir.resolve("page.html"), "<!doctype html><title>page</title><p>a page</p>\n");
        Files.writeString(dir.resolve("style.css"), "p { color: green }\n");
        Files.writeString(dir.resolve("data.json"), "{\"a\": [1, 2, 3]}\n");
        Files.write(dir.resolve("pic.png"), new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0 });
        Files.writeString(dir.resolve("a b.txt"), "a space\n");
        Files.writeString(dir.resolve("100%.txt"), "a percent\n");
        Files.writeString(dir.resolve("\u00fc.txt"), "a u with umlaut\n");
        Files.writeString(dir.resolve("a/b/c.txt"), "nested\n");
        Files.writeString(dir.resolve("withindex/index.html"), "<!doctype html><title>index</title><p>the index</p>\n");
        Files.writeString(dir.resolve("withindex/other.txt"), "other\n");
        Files.writeString(dir.resolve("noindex/x.txt"), "x\n");
        Files.writeString(dir.resolve("probe.txt"), probeBody);
        // world-readable, as a web root is: Apache started as root serves as www-data
        for (Path p = dir; p != null && p.startsWith(work); p = p.getParent())
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                Files.setLastModifiedTime(p, FileTime.from(MTIME));
            }
        }
        return dir;
    }

    /** The ETag server gives path, for the conditional requests that quote it. */
    private static String etagOf(int port, String path) {
        RawHttp.Exchange e = RawHttp.exchange(port, ("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), READ_TIMEOUT_MILLIS);
        String etag = e.responses().isEmpty() ? null : e.responses().get(0).header("etag");
        return etag == null ? "\"no-etag\"" : etag;
    }

    // the requests -----------------------------------------------------------------------------

    private static final String H = "Host: localhost\r\n", CLOSE = "Connection: close\r\n";

    /** method target HTTP/1.1 with Host, the header lines given, and Connection: close. */
    private static Probe req(String group, String id, String method, String target, String... headers) {
        StringBuilder text = new StringBuilder(method + " " + target + " HTTP/1.1\r\n" + H);
        for (String h : headers) text.append(h).append("\r\n");
        return new Probe(group, id, text.append(CLOSE).append("\r\n").toString(), false, READ_TIMEOUT_MILLIS);
    }

    private static Probe get(String group, String id, String target, String... headers) {
        return req(group, id, "GET", target, headers);
    }

    private static Probe range(String id, String target, String range, String... more) {
        String[] headers = Stream.concat(Stream.of("Range: " + range), Stream.of(more)).toArray(String[]::new);
        return get("range", id, target, headers);
    }

    private static Probe raw(String group, String id, String text) {
        return new Probe(group, id, text, false, READ_TIMEOUT_MILLIS);
    }

    private static Probe listing(Probe p) {
        return new Probe(p.group(), p.id(), p.text(), true, p.timeoutMillis());
    }

    /** p, which some servers leave unanswered (they wait for the rest of a head): no answer within a second is theirs. */
    private static Probe quiet(Probe p) {
        return new Probe(p.group(), p.id(), p.text(), p.listing(), QUIET_TIMEOUT_MILLIS);
    }

    private static List<Probe> probes() {
        List<Probe> p = new ArrayList<>();
        // ranges, on a 1000-byte file unless said
        p.add(range("r-first-100", "/f.bin", "bytes=0-99"));
        p.add(range("r-middle", "/f.bin", "bytes=100-199"));
        p.add(range("r-last-byte", "/f.bin", "bytes=999-999"));
        p.add(range("r-first-byte", "/f.bin", "bytes=0-0"));
        p.add(range("r-end-past-size", "/f.bin", "bytes=900-5000"));
        p.add(range("r-suffix", "/f.bin", "bytes=-100"));
        p.add(range("r-suffix-over-size", "/f.bin", "bytes=-5000"));
        p.add(range("r-open", "/f.bin", "bytes=500-"));
        p.add(range("r-whole-as-range", "/f.bin", "bytes=0-"));
        p.add(range("r-two", "/f.bin", "bytes=0-9,100-109"));
        p.add(range("r-three", "/f.bin", "bytes=0-0,500-509,-1"));
        p.add(range("r-first-and-last", "/hello.txt", "bytes=0-0,-1"));
        p.add(range("r-overlapping", "/hello.txt", "bytes=0-5,3-8"));
        p.add(range("r-overlapping-far", "/big.bin", "bytes=0-9999,5000-14999"));
        p.add(range("r-adjacent", "/big.bin", "bytes=0-9999,10000-19999"));
        p.add(range("r-unsorted", "/big.bin", "bytes=200000-200099,0-99"));
        p.add(range("r-big-two", "/big.bin", "bytes=1000-1999,250000-250999"));
        p.add(range("r-unsatisfiable", "/f.bin", "bytes=1000-"));
        p.add(range("r-unsatisfiable-far", "/f.bin", "bytes=5000-6000"));
        p.add(range("r-suffix-zero", "/f.bin", "bytes=-0"));
        p.add(range("r-all-unsatisfiable", "/f.bin", "bytes=2000-,3000-"));
        p.add(range("r-one-unsatisfiable", "/f.bin", "bytes=0-9,5000-"));
        p.add(range("r-empty-file", "/empty.txt", "bytes=0-0"));
        p.add(range("r-empty-file-suffix", "/empty.txt", "bytes=-1"));
        p.add(range("r-not-a-number", "/f.bin", "bytes=abc"));
        p.add(range("r-reversed", "/f.bin", "bytes=9-0"));
        p.add(range("r-other-unit", "/f.bin", "items=0-9"));
        p.add(range("r-unit-case", "/f.bin", "Bytes=0-9"));
        p.add(range("r-spaces", "/f.bin", "bytes=0-9, 20-29"));
        p.add(range("r-17-ranges", "/big.bin", "bytes=" + String.join(",", Stream.iterate(0, i -> i + 1).limit(17)
                .map(i -> i * 100 + "-" + (i * 100 + 9)).toList())));
        p.add(range("r-sum-over-size", "/f.bin", "bytes=0-999,0-999"));
        p.add(range("r-if-range-etag", "/f.bin", "bytes=0-9", "If-Range: {etag}"));
        p.add(range("r-if-range-other-etag", "/f.bin", "bytes=0-9", "If-Range: \"other\""));
        p.add(range("r-if-range-date", "/f.bin", "bytes=0-9", "If-Range: " + MTIME_HTTP));
        p.add(range("r-if-range-old-date", "/f.bin", "bytes=0-9", "If-Range: " + BEFORE));
        p.add(range("r-if-range-two", "/f.bin", "bytes=0-9,20-29", "If-Range: {etag}"));
        p.add(req("range", "r-head", "HEAD", "/f.bin", "Range: bytes=0-9"));
        // conditionals, all on the 1000-byte file, last modified at MTIME
        p.add(get("cond", "c-inm-etag", "/f.bin", "If-None-Match: {etag}"));
        p.add(get("cond", "c-inm-star", "/f.bin", "If-None-Match: *"));
        p.add(get("cond", "c-inm-other", "/f.bin", "If-None-Match: \"other\""));
        p.add(get("cond", "c-inm-list", "/f.bin", "If-None-Match: \"other\", {etag}"));
        p.add(get("cond", "c-inm-weak", "/f.bin", "If-None-Match: {weak-etag}"));
        p.add(get("cond", "c-ims-after", "/f.bin", "If-Modified-Since: " + AFTER));
        p.add(get("cond", "c-ims-equal", "/f.bin", "If-Modified-Since: " + MTIME_HTTP));
        p.add(get("cond", "c-ims-before", "/f.bin", "If-Modified-Since: " + BEFORE));
        p.add(get("cond", "c-ims-not-a-date", "/f.bin", "If-Modified-Since: yesterday"));
        p.add(get("cond", "c-ims-and-inm-other", "/f.bin", "If-Modified-Since: " + AFTER, "If-None-Match: \"other\""));
        p.add(get("cond", "c-im-etag", "/f.bin", "If-Match: {etag}"));
        p.add(get("cond", "c-im-star", "/f.bin", "If-Match: *"));
        p.add(get("cond", "c-im-other", "/f.bin", "If-Match: \"other\""));
        p.add(get("cond", "c-ius-after", "/f.bin", "If-Unmodified-Since: " + AFTER));
        p.add(get("cond", "c-ius-before", "/f.bin", "If-Unmodified-Since: " + BEFORE));
        p.add(req("cond", "c-head-inm", "HEAD", "/f.bin", "If-None-Match: {etag}"));
        p.add(get("cond", "c-inm-other-range", "/f.bin", "If-None-Match: \"other\"", "Range: bytes=0-9"));
        p.add(get("cond", "c-im-other-range", "/f.bin", "If-Match: \"other\"", "Range: bytes=0-9"));
        p.add(get("cond", "c-ims-after-range", "/f.bin", "If-Modified-Since: " + AFTER, "Range: bytes=0-9"));
        // methods
        p.add(get("method", "m-get", "/f.bin"));
        p.add(req("method", "m-head", "HEAD", "/f.bin"));
        p.add(req("method", "m-head-empty", "HEAD", "/empty.txt"));
        p.add(get("method", "m-get-empty", "/empty.txt"));
        p.add(req("method", "m-post", "POST", "/hello.txt", "Content-Length: 3", "Content-Type: text/plain").withBody("a=1"));
        p.add(req("method", "m-post-empty", "POST", "/hello.txt", "Content-Length: 0"));
        p.add(req("method", "m-post-missing", "POST", "/nope.txt", "Content-Length: 3").withBody("a=1"));
        p.add(req("method", "m-delete", "DELETE", "/hello.txt"));
        p.add(req("method", "m-options", "OPTIONS", "/hello.txt"));
        p.add(req("method", "m-options-star", "OPTIONS", "*"));
        p.add(req("method", "m-put-no-upload", "PUT", "/new.txt", "Content-Length: 3").withBody("new"));
        p.add(req("method", "m-patch", "PATCH", "/hello.txt", "Content-Length: 0"));
        p.add(req("method", "m-trace", "TRACE", "/hello.txt"));
        p.add(req("method", "m-unknown", "FOO", "/hello.txt"));
        p.add(req("method", "m-lower-case", "get", "/hello.txt"));
        p.add(req("method", "m-get-with-body", "GET", "/hello.txt", "Content-Length: 4").withBody("abcd"));
        // paths
        p.add(listing(get("path", "p-root", "/")));
        p.add(get("path", "p-index", "/withindex/"));
        p.add(get("path", "p-index-by-name", "/withindex/index.html"));
        p.add(listing(get("path", "p-no-index", "/noindex/")));
        p.add(get("path", "p-dir-no-slash", "/noindex"));
        p.add(get("path", "p-dir-no-slash-index", "/withindex"));
        p.add(get("path", "p-nested", "/a/b/c.txt"));
        p.add(get("path", "p-dot", "/./hello.txt"));
        p.add(get("path", "p-dot-dot", "/a/../hello.txt"));
        p.add(get("path", "p-dot-dot-twice", "/a/b/../../hello.txt"));
        p.add(listing(get("path", "p-dot-dot-to-dir", "/a/b/../")));
        p.add(get("path", "p-encoded-dot-dot", "/a/%2e%2e/hello.txt"));
        p.add(get("path", "p-double-slash", "//hello.txt"));
        p.add(get("path", "p-double-slash-inside", "/a//b/c.txt"));
        p.add(get("path", "p-climb", "/../hello.txt"));
        p.add(get("path", "p-climb-deep", "/a/../../hello.txt"));
        p.add(get("path", "p-climb-encoded", "/%2e%2e/hello.txt"));
        p.add(get("path", "p-space", "/a%20b.txt"));
        p.add(get("path", "p-percent", "/100%25.txt"));
        p.add(get("path", "p-utf8", "/%C3%BC.txt"));
        p.add(get("path", "p-encoded-letters", "/%68%65llo.txt"));
        p.add(get("path", "p-bad-escape", "/%zz.txt"));
        p.add(get("path", "p-encoded-slash", "/a%2Fb/c.txt"));
        p.add(get("path", "p-query", "/hello.txt?x=1&y"));
        p.add(get("path", "p-absolute-form", "http://localhost/hello.txt"));
        p.add(get("path", "p-missing", "/nope.txt"));
        p.add(get("path", "p-file-with-slash", "/hello.txt/"));
        p.add(get("path", "p-nul", "/hello.txt%00"));
        p.add(get("path", "p-no-leading-slash", "hello.txt"));
        p.add(get("path", "p-types-html", "/page.html"));
        p.add(get("path", "p-types-css", "/style.css"));
        p.add(get("path", "p-types-json", "/data.json"));
        p.add(get("path", "p-types-png", "/pic.png"));
        // framing
        p.add(raw("framing", "f-keep-alive", "GET /hello.txt HTTP/1.1\r\n" + H + "\r\nGET /f.bin HTTP/1.1\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("framing", "f-keep-alive-1.0", "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /f.bin HTTP/1.0\r\n\r\n"));
        p.add(raw("framing", "f-bare-lf", "GET /hello.txt HTTP/1.1\n" + "Host: localhost\nConnection: close\n\n"));
        p.add(raw("framing", "f-obs-fold", "GET /hello.txt HTTP/1.1\r\n" + H + "X-Folded: a\r\n b\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-cl-and-te", "POST /hello.txt HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n" + CLOSE
                + "\r\n0\r\n\r\n"));
        p.add(raw("framing", "f-no-host", "GET /hello.txt HTTP/1.1\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-two-hosts", "GET /hello.txt HTTP/1.1\r\n" + H + "Host: other\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-space-before-colon", "GET /hello.txt HTTP/1.1\r\nHost : localhost\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-leading-empty-line", "\r\nGET /hello.txt HTTP/1.1\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("framing", "f-header-without-colon", "GET /hello.txt HTTP/1.1\r\n" + H + "NoColon\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-bad-content-length", "GET /hello.txt HTTP/1.1\r\n" + H + "Content-Length: abc\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-two-content-lengths", "POST /hello.txt HTTP/1.1\r\n" + H + "Content-Length: 1\r\nContent-Length: 2\r\n" + CLOSE
                + "\r\nab"));
        p.add(raw("framing", "f-unknown-coding", "POST /hello.txt HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n" + CLOSE + "\r\n"));
        p.add(raw("framing", "f-chunked-get", "GET /hello.txt HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n" + CLOSE + "\r\n0\r\n\r\n"));
        // versions
        p.add(raw("version", "v-1.0", "GET /hello.txt HTTP/1.0\r\n\r\n"));
        p.add(raw("version", "v-1.0-range", "GET /f.bin HTTP/1.0\r\nRange: bytes=0-9\r\n\r\n"));
        p.add(raw("version", "v-1.0-head", "HEAD /f.bin HTTP/1.0\r\n\r\n"));
        p.add(raw("version", "v-1.1", "GET /hello.txt HTTP/1.1\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("version", "v-1.2", "GET /hello.txt HTTP/1.2\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("version", "v-2.0", "GET /hello.txt HTTP/2.0\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("version", "v-3.0", "GET /hello.txt HTTP/3.0\r\n" + H + CLOSE + "\r\n"));
        p.add(quiet(raw("version", "v-0.9", "GET /hello.txt\r\n")));
        p.add(raw("version", "v-lower-case", "GET /hello.txt http/1.1\r\n" + H + CLOSE + "\r\n"));
        p.add(raw("version", "v-two-digits", "GET /hello.txt HTTP/01.1\r\n" + H + CLOSE + "\r\n"));
        return p;
    }
}
