package io.muxkit.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The allow-list of the conformance test, read from the one place it is kept, docs/CONFORMANCE.md:
 * each table row whose first cell is a request's id in backquotes, then the status muxkit answers
 * it with, then the RFC section that justifies muxkit's choice. The "##" heading above a row is
 * its group ("Differences muxkit keeps", "Gaps to close with issue 21").
 */
public final class KnownDifferences {
    /** One row: the request, the status muxkit gives it, the RFC section, the group it is listed under. */
    public record Entry(String request, String muxkitStatus, String rfc, String group) {}

    private KnownDifferences() {}

    /** The entries by request id; IllegalStateException for a malformed or repeated row. */
    public static Map<String, Entry> read(Path markdown) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String group = "";
        for (String line : Files.readAllLines(markdown, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) group = line.substring(3).strip();
            if (!line.startsWith("| `")) continue;
            String[] cells = line.split("\\|");
            if (cells.length < 4) throw new IllegalStateException("a row needs request, muxkit status and RFC: " + line);
            String id = cells[1].strip().replace("`", "");
            String rfc = cells[3].strip();
            if (!rfc.startsWith("RFC ")) throw new IllegalStateException("the third cell names an RFC section: " + line);
            if (entries.put(id, new Entry(id, cells[2].strip(), rfc, group)) != null)
                throw new IllegalStateException("listed twice: " + id);
        }
        return entries;
    }
}
