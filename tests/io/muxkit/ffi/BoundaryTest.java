package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The native boundary, read from the sources: the shim is taken from Native by the syscall
 * wrappers only (net/ for fds, sockets and files; mux/ for the multiplexers' calls, which it hands
 * to the rings of ring/), and nothing above ffi/ names a binding or imports one.
 */
class BoundaryTest {
    private static final Path MAIN = Path.of("java", "io", "muxkit");

    @Test
    void onlyTheWrappersTakeTheShim() throws IOException {
        assertEquals(List.of(), lines(shim("syscalls|LIB"), "ffi", "net"));
        assertEquals(List.of(), lines(shim("muxSyscalls|LIB"), "ffi", "mux"));
    }

    /** Native's accessors named, whether called through the class or imported statically. */
    private static Pattern shim(String names) {
        return Pattern.compile("Native\\.(" + names + ")\\b|import static io\\.muxkit\\.ffi\\.Native\\.(\\*|" + names + ");");
    }

    @Test
    void nothingAboveFfiNamesABinding() throws IOException {
        assertEquals(List.of(), lines(Pattern.compile("^import (jnr|com\\.kenai|java\\.lang\\.foreign)\\.|\"(jnr|ffm)\"\\.equals"), "ffi"));
    }

    @Test
    void theSourcesAreWhereThisTestLooks() {
        assertTrue(Files.isRegularFile(MAIN.resolve("ffi").resolve("Native.java")), "run from the project's directory");
    }

    /** "path:line: text" of every line matching in java/io/muxkit, outside the packages allowed. */
    private static List<String> lines(Pattern pattern, String... allowed) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (List.of(allowed).contains(MAIN.relativize(file).getName(0).toString())) continue;
                List<String> text = Files.readAllLines(file);
                for (int i = 0; i < text.size(); i++)
                    if (pattern.matcher(text.get(i)).find()) found.add(file + ":" + (i + 1) + ": " + text.get(i).strip());
            }
        }
        return found;
    }
}
