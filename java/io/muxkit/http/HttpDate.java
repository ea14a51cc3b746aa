package io.muxkit.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * HTTP dates (RFC 9110 section 5.6.7, IMF-fixdate). Each instance keeps the last second it
 * formatted, since a loop formats the same second (Date) or the same file's mtime many times over.
 */
public final class HttpDate {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.RFC_1123_DATE_TIME;
    private long cachedSecond = Long.MIN_VALUE;
    private String cached;

    public String format(long epochSecond) {
        if (epochSecond != cachedSecond) {
            cached = FORMAT.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
            cachedSecond = epochSecond;
        }
        return cached;
    }

    /** Seconds since the epoch, or null for a date that does not parse (which RFC 9110 says to ignore). */
    public static Long parse(String text) {
        try {
            return ZonedDateTime.parse(text, FORMAT).toEpochSecond();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
