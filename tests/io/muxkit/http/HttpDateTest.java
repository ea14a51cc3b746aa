package io.muxkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpDateTest {
    /** IMF-fixdate's day is 2DIGIT (RFC 9110 section 5.6.7): every date is 29 characters, which the cache's in-place Date patch relies on. */
    @Test
    void aDateIsAlwaysImfFixdateOf29Characters() {
        HttpDate date = new HttpDate();
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", date.format(784111777L));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", date.format(0));
        for (long t = 0; t < 253402300799L; t += 86_400L * 37 + 1234) assertEquals(29, date.format(t).length(), date.format(t));
        assertEquals(784111777L, HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(784111777L, HttpDate.parse("Sun, 6 Nov 1994 08:49:37 GMT"), "a one-digit day is still read");
        assertEquals(784111777L, HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(784111777L, HttpDate.parse("Sun Nov  6 08:49:37 1994"));
    }
}
