package io.muxkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DotSegmentsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/, /",
            "/a, /a",
            "/a/, /a/",
            "/a/b/c, /a/b/c",
            // RFC 3986 section 5.2.4's own examples, rooted
            "/a/b/c/./../../g, /a/g",
            "/mid/content=5/../6, /mid/6",
            // section 5.4.1's normal examples, resolved against /b/c/d;p
            "/b/c/., /b/c/",
            "/b/c/./, /b/c/",
            "/b/c/.., /b/",
            "/b/c/../, /b/",
            "/b/c/../g, /b/g",
            "/b/c/../.., /",
            "/b/c/../../, /",
            "/b/c/../../g, /g",
            "/b/c/./g/., /b/c/g/",
            "/b/c/g/../h, /b/c/h",
            // names that only look like dot segments stay
            "/b/c/g., /b/c/g.",
            "/b/c/.g, /b/c/.g",
            "/b/c/g.., /b/c/g..",
            "/b/c/..g, /b/c/..g",
            "/.../a, /.../a",
            // slashes merged, first: an empty segment is not a level a .. can take away
            "//a, /a",
            "/a//b, /a/b",
            "/a///b//, /a/b/",
            "/a//../b, /b",
            "/./a, /a",
            "/a/./, /a/",
            "/a/., /a/",
            "/., /",
            "/./, /",
            "/a/.., /",
            "/a/..//, /",
    })
    void removesDotSegmentsAndMergesSlashes(String path, String expected) {
        assertEquals(expected, DotSegments.remove(path));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/..", "/../", "/../a", "/a/../..", "/a/../../b", "/./../a", "//..", "/a/b/../../../c", "/a//..//..", })
    void aPathClimbingAboveTheRootIsReportedNotClamped(String path) {
        assertNull(DotSegments.remove(path), path);
    }

    @Test
    void aRelativePathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DotSegments.remove("a/b"));
        assertThrows(IllegalArgumentException.class, () -> DotSegments.remove(""));
    }
}
