package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLoaderTest {
    @Test
    void extractsIntoAPrivateDirectoryAndLoadsByAbsolutePath() throws Exception {
        Path lib = NativeLoader.locate();
        assertTrue(lib.isAbsolute());
        assertEquals("libmuxkit.so", lib.getFileName().toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
        assertTrue(Native.FD_SETSIZE > 0, "loaded and callable");
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
