package io.muxkit.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;

/**
 * Opens fds for one test and closes every one of them afterwards, then checks that the process
 * holds no more fds than before: a test that leaks fds poisons the ones after it.
 */
public final class FdScope implements AutoCloseable {
    private final List<Integer> fds = new ArrayList<>();
    private final NativeBuffer buf = NativeMemory.allocate(64 * 1024);  // loads the shim before the snapshot below
    private final Set<String> openBefore = kernelObjects();

    public int[] pipe() throws NativeIOException {
        return track(Fds.pipe());
    }

    public int[] socketPair() throws NativeIOException {
        return track(Fds.socketPair());
    }

    public int eventfd(int initial) throws NativeIOException {
        return track(new int[] { Fds.eventfd(initial) })[0];
    }

    /** Takes ownership of fds opened elsewhere. */
    public int[] track(int... opened) {
        for (int fd : opened) fds.add(fd);
        return opened;
    }

    /** Adds 1 to an eventfd's counter, making it readable. */
    public void signal(int eventfd) throws NativeIOException {
        Fds.eventfdWrite(eventfd, 1);
    }

    public void write(int fd, int bytes) throws NativeIOException {
        int n = Fds.write(fd, buf, bytes);
        if (n != bytes) throw new AssertionError("wrote " + n + " of " + bytes + " bytes to fd " + fd);
    }

    /** Reads until EAGAIN or end of stream; returns the bytes read. */
    public long drain(int fd) throws NativeIOException {
        long total = 0;
        for (int n; (n = Fds.read(fd, buf, 64 * 1024)) > 0; ) total += n;
        return total;
    }

    /**
     * Moves fd to a free number just below FD_SETSIZE (so select takes it too) and returns it: closed
     * later, that number stays closed, since another thread's open takes the lowest free number.
     * For tests that close an fd and then ask the kernel about its number.
     */
    public int moveHigh(int fd) throws NativeIOException {
        for (int n = 1000; n > 512; n--) {
            if (Files.exists(Path.of("/proc/self/fd/" + n), java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            Fds.dup2(fd, n);
            closeNow(fd);
            return track(n)[0];
        }
        throw new AssertionError("no free fd number between 512 and 1000");
    }

    /** Closes fd now (it stays tracked; closing it again at the end is harmless only if not reused, so it is untracked). */
    public void closeNow(int fd) throws NativeIOException {
        fds.remove(Integer.valueOf(fd));
        Fds.close(fd);
    }

    @Override
    public void close() {
        NativeMemory.free(buf);
        for (int fd : fds) Fds.closeQuietly(fd);
        fds.clear();
        Set<String> leaked = kernelObjects();
        leaked.removeAll(openBefore);
        if (!leaked.isEmpty())
            throw new AssertionError("fd leak: still open after the test: " + leaked);
    }

    /**
     * "fd -> target" of every open pipe, socket, eventfd and epoll instance. Regular files are left
     * out: the JVM opens jars and the like lazily, from any thread.
     */
    public static Set<String> kernelObjects() {
        Set<String> found = new TreeSet<>();
        String[] names = new File("/proc/self/fd").list();
        if (names == null) return found;
        for (String name : names) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd", name)).toString();
                if (target.startsWith("pipe:") || target.startsWith("socket:") || target.startsWith("anon_inode:"))
                    found.add(name + " -> " + target);
            } catch (IOException e) {
                // closed while we looked: not ours
            }
        }
        return found;
    }
}
