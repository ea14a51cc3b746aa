package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLoaderTest {
    @Test
    void extractsIntoAPrivateDirectoryAndLoadsByAbsolutePath() throws Exception {
        Path lib = NativeLoader.extract();
        try {
            assertTrue(lib.isAbsolute());
            assertEquals("libmuxkit.so", lib.getFileName().toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
            assertTrue(Native.FD_SETSIZE > 0, "loaded and callable");
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(lib.getParent());
        }
    }

    /** The extracted library and its directory go as soon as it is loaded: runs that end, and runs that are killed, leave nothing. */
    @Test
    void runsLeaveNothingInTheTempDirectory(@TempDir Path tmp) throws Exception {
        String tmpdir = "-Djava.io.tmpdir=" + tmp;
        // one run that ends: the loader deletes right after loading, in order, so a second run would only repeat it
        ChildJvm.Result r = ChildJvm.run(null, tmpdir, "io.muxkit.cli.Main", "backends");
        assertEquals(0, r.exit(), r.output());
        try (ChildJvm echo = ChildJvm.start(Map.of(), null, List.of(tmpdir, "io.muxkit.cli.Main", "echo", "--port", "0"))) {
            echo.port();                                // loaded, serving
            echo.process().destroyForcibly();           // SIGKILL: no shutdown hook, no deleteOnExit
            assertTrue(echo.process().waitFor(30, TimeUnit.SECONDS));
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().startsWith("hsperfdata")).toList());
        }
    }

    @Test
    void nativePathPropertyLoadsAnotherBuild(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("libmuxkit-other.so");
        Files.copy(Path.of(System.getProperty("muxkit.test.libraryPath")), copy);
        ChildJvm.Result ok = ChildJvm.run(null, "-Dmuxkit.native.path=" + copy, "io.muxkit.cli.Main", "backends");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("default: epoll"), ok.output());

        ChildJvm.Result missing = ChildJvm.run(null, "-Dmuxkit.native.path=" + dir.resolve("nope.so"),
                "io.muxkit.cli.Main", "backends");
        assertNotEquals(0, missing.exit());
        assertTrue(missing.output().contains("nope.so: no such file"), missing.output());
    }
}
