package io.muxkit.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Finds libmuxkit.so and has the binding load it by absolute path. The library comes from
 * {@code -Dmuxkit.native.path=FILE} when given, else it is extracted from the jar (or the classes
 * directory) into a private directory of its own, tried first in java.io.tmpdir and then in
 * ~/.cache/muxkit, since a tmpdir mounted noexec cannot map a library. An extracted copy is
 * deleted, with its directory, as soon as it is loaded (a mapped library needs no file), so no
 * run leaves one behind, however it ends.
 */
final class NativeLoader {
    static final String PATH_PROPERTY = "muxkit.native.path";
    static final String RESOURCE = "/native/linux-x86_64/libmuxkit.so";

    private NativeLoader() {}

    static LibMuxkit load(Binding binding) {
        String override = System.getProperty(PATH_PROPERTY);
        if (override != null && !override.isEmpty()) {
            Path path = Paths.get(override).toAbsolutePath();
            if (!Files.isRegularFile(path))
                throw new UnsatisfiedLinkError("muxkit: -D" + PATH_PROPERTY + "=" + override + ": no such file");
            return load(binding, path);
        }
        Path extracted = extract();
        try {
            return load(binding, extracted);
        } finally {
            try {
                Files.deleteIfExists(extracted);
                Files.deleteIfExists(extracted.getParent());
            } catch (IOException e) {
                System.err.println("muxkit: cannot remove " + extracted + ": " + e.getMessage());
            }
        }
    }

    private static LibMuxkit load(Binding binding, Path library) {
        try {
            return binding.load(library);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("muxkit: cannot load " + library + ": " + e.getMessage());
        }
    }

    /** Copies the library out of the jar into a new private directory; the caller deletes both. */
    static Path extract() {
        if (!System.getProperty("os.name", "").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch")))
            throw new UnsatisfiedLinkError("muxkit: the shim is built for Linux x86_64, not "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        IOException first = null;
        for (Path parent : new Path[] {
                Paths.get(System.getProperty("java.io.tmpdir")),
                Paths.get(System.getProperty("user.home"), ".cache", "muxkit") }) {
            try {
                return extract(parent);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        throw new UncheckedIOException("muxkit: cannot extract " + RESOURCE, first);
    }

    private static Path extract(Path parent) throws IOException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "muxkit-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path target = dir.resolve("libmuxkit.so");
        try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IOException(RESOURCE + " is not on the classpath: build with `mvn package` (CMake builds it)");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            if (!isExecutableMount(target)) throw new IOException(dir + " is on a noexec mount");
            return target;
        } catch (IOException e) {
            Files.deleteIfExists(target);
            Files.deleteIfExists(dir);
            throw e;
        }
    }

    /** A library on a noexec mount fails in dlopen with a vague message; check the mount first. */
    private static boolean isExecutableMount(Path file) {
        try {
            Path real = file.toRealPath();
            String best = "";
            boolean noexec = false;
            for (String line : Files.readAllLines(Paths.get("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 3 && real.startsWith(f[1]) && f[1].length() >= best.length()) {
                    best = f[1];
                    noexec = (',' + f[3] + ',').contains(",noexec,");
                }
            }
            return !noexec;
        } catch (IOException e) {
            return true;  // no /proc: let dlopen decide
        }
    }
}
