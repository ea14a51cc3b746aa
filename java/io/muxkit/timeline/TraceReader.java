package io.muxkit.timeline;

import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Reads a Chrome trace ({"traceEvents": [...], "otherData": {...}}) one event at a time, so a file of
 * hundreds of MB is never held whole. Fields and events it does not know (Perfetto's, other tools')
 * are skipped; so are nested arguments. A gzipped file (Perfetto opens .json.gz) is read as well.
 */
public final class TraceReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private TraceReader() {}

    /** Hands each event to {@code events} in file order and returns otherData's scalar fields (empty when absent). */
    public static Map<String, Object> read(Path file, Consumer<TraceEvent> events) throws IOException, TraceFormatException {
        try (InputStream in = open(file); JsonParser p = JSON.createParser(in)) {
            return read(p, events);
        } catch (JsonProcessingException e) {  // bad syntax, or past Jackson's limits (nesting 1000 deep)
            String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            JsonLocation at = e.getLocation();
            if (e instanceof JsonEOFException || why.startsWith("Unexpected end-of-input"))
                throw new TraceFormatException("not JSON: it ends at line " + (at == null ? "?" : at.getLineNr())
                        + " before its last ']' or '}' (cut short, or still being written?)");
            throw new TraceFormatException("not JSON: " + why + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (CharConversionException e) {
            throw new TraceFormatException("not JSON: " + e.getMessage());
        }
    }

    private static InputStream open(Path file) throws IOException {
        // Files.newInputStream's available() seeks, which a FIFO or a pipe (<(zcat t.json.gz)) fails
        // with ESPIPE, and BufferedInputStream and GZIPInputStream ask it: 0 is always a true answer
        InputStream raw = new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public int available() {
                return 0;
            }
        };
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    private static Map<String, Object> read(JsonParser p, Consumer<TraceEvent> events) throws IOException, TraceFormatException {
        if (p.nextToken() != JsonToken.START_OBJECT)
            throw new TraceFormatException("not a trace: a timeline is a JSON object with a \"traceEvents\" list");
        boolean sawEvents = false;
        Map<String, Object> otherData = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("traceEvents") && value == JsonToken.START_ARRAY) {
                sawEvents = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == JsonToken.START_OBJECT) events.accept(event(p));
                    else p.skipChildren();  // not an event: skipped, as a viewer does
                }
            } else if (field.equals("otherData") && value == JsonToken.START_OBJECT) {
                otherData = scalars(p);
            } else {
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) throw new TraceFormatException("not JSON: more after the end of the top-level object");
        if (!sawEvents) throw new TraceFormatException("not a trace: no \"traceEvents\" list");
        return otherData;
    }

    /** The event whose START_OBJECT is the current token. */
    private static TraceEvent event(JsonParser p) throws IOException {
        String ph = null, cat = null, name = null, pid = null, tid = null;
        double ts = Double.NaN, dur = Double.NaN;
        Map<String, Object> args = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "ph" -> ph = text(p, value);
                case "cat" -> cat = text(p, value);
                case "name" -> name = text(p, value);
                case "pid" -> pid = text(p, value);
                case "tid" -> tid = text(p, value);
                case "ts" -> ts = number(p, value);
                case "dur" -> dur = number(p, value);
                case "args" -> args = value == JsonToken.START_OBJECT ? scalars(p) : skip(p);
                default -> p.skipChildren();
            }
        }
        return new TraceEvent(ph, cat, name, ts, dur, pid, tid, args);
    }

    /** The fields of the object just started whose values are numbers, strings or booleans; the rest is skipped. */
    private static Map<String, Object> scalars(JsonParser p) throws IOException {
        Map<String, Object> out = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value.isNumeric()) out.put(field, p.getDoubleValue());
            else if (value == JsonToken.VALUE_STRING) out.put(field, p.getText());
            else if (value.isBoolean()) out.put(field, value == JsonToken.VALUE_TRUE);
            else p.skipChildren();
        }
        return out;
    }

    private static Map<String, Object> skip(JsonParser p) throws IOException {
        p.skipChildren();
        return Map.of();
    }

    /** A string or a number as text (Chrome allows both for pid and tid); anything else is skipped. */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING || value.isNumeric()) return p.getText();
        p.skipChildren();
        return null;
    }

    /** A number, or a string of one; NaN (absent) for anything else, and for NaN and infinity ("1e999", "Infinity"). */
    private static double number(JsonParser p, JsonToken value) throws IOException {
        double d = Double.NaN;
        if (value.isNumeric()) d = p.getDoubleValue();
        else if (value == JsonToken.VALUE_STRING) {
            try {
                d = Double.parseDouble(p.getText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        } else p.skipChildren();
        return Double.isFinite(d) ? d : Double.NaN;
    }
}
