package io.muxkit.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 section 5.6.7). Written as IMF-fixdate; read in all three forms a
 * recipient must accept. Each instance keeps the last second it formatted, since a loop formats
 * the same second (Date) or the same file's mtime many times over.
 */
public final class HttpDate {
    /** Sun, 06 Nov 1994 08:49:37 GMT: always 29 characters (RFC_1123_DATE_TIME writes "6 Nov", which IMF-fixdate is not). */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
    /** Sunday, 06-Nov-94 08:49:37 GMT: two-digit years read in 1970..2069, as RFC 9110 asks (within 50 years of now). */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ENGLISH);
    /** Sun Nov  6 08:49:37 1994 */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
    /** IMF-fixdate has four digits of year: a timestamp outside them is written as the nearest one inside. */
    private static final long FIRST = 0, LAST = 253402300799L;  // 1970-01-01T00:00:00Z, 9999-12-31T23:59:59Z

    private long cachedSecond = Long.MIN_VALUE;
    private String cached;

    public String format(long epochSecond) {
        long clamped = Math.max(FIRST, Math.min(LAST, epochSecond));
        if (clamped != cachedSecond) {
            cached = IMF_FIXDATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(clamped), ZoneOffset.UTC));
            cachedSecond = clamped;
        }
        return cached;
    }

    /** Seconds since the epoch, or null for a date in none of the three forms (which RFC 9110 says to ignore). */
    public static Long parse(String text) {
        String t = text.strip();
        try {
            return ZonedDateTime.parse(t, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();  // (also takes "6 Nov")
        } catch (RuntimeException notImf) {
            for (DateTimeFormatter obsolete : new DateTimeFormatter[] { RFC_850, ASCTIME }) {
                try {
                    return LocalDateTime.parse(t, obsolete).toEpochSecond(ZoneOffset.UTC);
                } catch (RuntimeException notThisOne) {
                    // try the next form
                }
            }
            return null;
        }
    }
}
