package io.muxkit.files;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.FileFds;
import io.muxkit.net.Fds;

/**
 * The inotify watches that keep a {@link FileCache} true, on one inotify fd of the loop's own
 * multiplexer: every directory on a cached file's path, and each cached file itself. It reads the
 * events and reports the paths they make stale; it holds no entries, only where the cached files
 * are ({@link Leaf}).
 * <ul>
 * <li>a change to a name in a watched directory (modified, attributes, written and closed, moved,
 *     created, deleted) makes that name stale, and a change to a directory itself (its attributes,
 *     a move, its removal) makes every file beneath it stale and drops the watches beneath it;</li>
 * <li>a write, a new hard link or a chmod through any name, in a directory watched or not, makes a
 *     watched file stale (the link count's change is IN_ATTRIB on the file, which no directory
 *     watch hears);</li>
 * <li>a queue overflow, a failed read, or more events than one drain takes (a process churning
 *     files) loses track: the owner is told to trust nothing, and the tree starts again with a new
 *     inotify fd and no watches.</li>
 * </ul>
 * A directory is watched only while a file beneath it is. Every event costs a lookup or two, never
 * a scan. All of it on the loop's thread.
 */
final class WatchTree implements AutoCloseable {
    /** Deeper paths are not watched (their files are served uncached): each directory on the way is. */
    static final int MAX_DEPTH = 32;
    private static final int EVENT_BUFFER = 64 * 1024;
    /** Event buffers one drain reads at most; a longer queue loses track rather than hold up the loop. */
    private static final int DRAIN_READS = 8;
    private static final int WATCHED = Native.IN_MODIFY | Native.IN_ATTRIB | Native.IN_CLOSE_WRITE | Native.IN_MOVED_FROM
            | Native.IN_MOVED_TO | Native.IN_CREATE | Native.IN_DELETE | Native.IN_DELETE_SELF | Native.IN_MOVE_SELF
            | Native.IN_ONLYDIR;
    /**
     * What, happening to a watched file itself, makes it stale: a write or a link count's change
     * through any name, even one in a directory no one watches (a hard link made later), and a chmod.
     */
    private static final int FILE_WATCHED = Native.IN_MODIFY | Native.IN_ATTRIB | Native.IN_CLOSE_WRITE | Native.IN_DELETE_SELF
            | Native.IN_MOVE_SELF;
    /** What, happening to a directory's name or to the directory itself, makes everything beneath it stale. */
    private static final int DIRECTORY_CHANGED = Native.IN_ATTRIB | Native.IN_MOVED_FROM | Native.IN_MOVED_TO
            | Native.IN_CREATE | Native.IN_DELETE | Native.IN_DELETE_SELF | Native.IN_MOVE_SELF | Native.IN_IGNORED;

    /**
     * A watched file's place in the tree: its path, its directory's watch and its own. The cache's
     * entries extend it, so that watching a file allocates nothing more.
     */
    static class Leaf {
        final String path;
        private Dir dir;
        private int wd = -1;

        Leaf(String path) {
            this.path = path;
        }
    }

    /** A watched directory: the files directly in it and the watched directories directly beneath it. */
    private static final class Dir {
        private final String path, name;
        private final int wd;
        private final Dir parent;
        private final Set<Leaf> files = new HashSet<>();
        private final Map<String, Dir> subdirs = new HashMap<>();
        private boolean gone;

        private Dir(String path, String name, int wd, Dir parent) {
            this.path = path;
            this.name = name;
            this.wd = wd;
            this.parent = parent;
        }

        private String child(String childName) {
            return path.isEmpty() ? childName : path + "/" + childName;
        }
    }

    private final RootDir root;
    private final EventLoop loop;
    /** Told each path an event made stale. */
    private final Consumer<String> changed;
    /** Told that nothing watched can be trusted; the watches are gone by then. */
    private final Runnable lostTrack;
    private int inotifyFd = -1;  // -1 when inotify could not be had again after losing track: nothing is watched
    private long caughtUp = -1;  // the batch in which catchUp last read the inotify fd
    private final NativeBuffer events = NativeMemory.allocate(EVENT_BUFFER);
    private final Map<Integer, Dir> dirs = new HashMap<>();
    private final Map<Integer, Leaf> files = new HashMap<>();
    private Dir rootDir;

    /** Opens the inotify fd and registers it, first in every batch, on the loop. */
    WatchTree(RootDir root, EventLoop loop, Consumer<String> changed, Runnable lostTrack) throws IOException {
        this.root = root;
        this.loop = loop;
        this.changed = changed;
        this.lostTrack = lostTrack;
        try {
            openInotify();
        } catch (IOException e) {
            NativeMemory.free(events);
            throw e;
        }
    }

    private void openInotify() throws IOException {
        int fd = FileFds.inotifyInit();
        try {
            loop.multiplexer().describe(fd, "inotify");
            loop.registerFirst(fd, Multiplexer.READ, (ready, ops) -> drain(), "inotify");
        } catch (IOException | RuntimeException e) {
            Fds.closeQuietly(fd);
            throw e;
        }
        inotifyFd = fd;
    }

    /** Whether files can be watched: false once inotify could not be had again after losing track. */
    boolean watching() {
        return inotifyFd >= 0;
    }

    /** The directories watched now. */
    int directories() {
        return dirs.size();
    }

    /**
     * Watches f's file (open as fd) and every directory on f's path, until {@link #remove}; false,
     * with nothing of it watched, when one cannot be (max_user_watches, deeper than
     * {@link #MAX_DEPTH}, the same inode watched already by another path).
     */
    boolean track(Leaf f, int fd) {
        Dir dir = watchDirectoriesOf(f.path);
        if (dir == null) return false;
        if (!watchFile(f, fd)) {
            release(dir);
            return false;
        }
        f.dir = dir;
        dir.files.add(f);
        return true;
    }

    /** Watches the file open as fd itself; false when it cannot be (max_user_watches), or the inode is watched already by another path. */
    private boolean watchFile(Leaf f, int fd) {
        int wd = FileFds.inotifyWatchOrErrno(inotifyFd, fd, FILE_WATCHED);
        if (wd < 0 || files.containsKey(wd) || dirs.containsKey(wd)) return false;  // (a bind mount: not twice)
        f.wd = wd;
        files.put(wd, f);
        return true;
    }

    private void unwatchFile(Leaf f) {
        if (f.wd < 0) return;
        files.remove(f.wd);
        if (inotifyFd >= 0) FileFds.inotifyUnwatchQuietly(inotifyFd, f.wd);
        f.wd = -1;
    }

    /** Stops watching f, and its directories as far as nothing else beneath them is watched. */
    void remove(Leaf f) {
        unwatchFile(f);
        if (f.dir != null) {
            f.dir.files.remove(f);
            release(f.dir);
            f.dir = null;
        }
    }

    // ---- the watched directories ----

    /** Watches the root and every directory on path's way; the watch of path's directory, or null when one cannot be watched. */
    private Dir watchDirectoriesOf(String path) {
        String[] names = path.split("/");
        if (names.length - 1 > MAX_DEPTH) return null;
        if (rootDir == null && (rootDir = watch("", "", null)) == null) return null;
        Dir w = rootDir;
        for (int i = 0; i < names.length - 1; i++) {
            Dir sub = w.subdirs.get(names[i]);
            if (sub == null) {
                sub = watch(w.child(names[i]), names[i], w);
                if (sub == null) {
                    release(w);
                    return null;
                }
                w.subdirs.put(names[i], sub);
            }
            w = sub;
        }
        return w;
    }

    private Dir watch(String dir, String name, Dir parent) {
        int fd;
        try {
            fd = root.openWithoutLinks(dir, Native.O_PATH | Native.O_DIRECTORY);
        } catch (NativeIOException e) {
            return null;
        }
        try {
            int wd = FileFds.inotifyWatchOrErrno(inotifyFd, fd, WATCHED);
            if (wd < 0) return null;  // ENOSPC at max_user_watches: nothing beneath that directory is watched
            if (dirs.containsKey(wd)) return null;  // the same directory by another path (a bind mount): not twice
            Dir w = new Dir(dir, name, wd, parent);
            dirs.put(wd, w);
            return w;
        } finally {
            Fds.closeQuietly(fd);
        }
    }

    /** Stops watching w and the directories above it as far as nothing beneath them is watched. */
    private void release(Dir w) {
        while (w != null && !w.gone && w.files.isEmpty() && w.subdirs.isEmpty()) {
            unwatch(w);
            w = w.parent;
        }
    }

    private void unwatch(Dir w) {
        w.gone = true;
        dirs.remove(w.wd);
        FileFds.inotifyUnwatchQuietly(inotifyFd, w.wd);  // (the kernel may have dropped it already)
        if (w.parent == null) rootDir = null;
        else w.parent.subdirs.remove(w.name);
    }

    /** The directory itself changed: every file beneath it is stale, and the watches beneath it go. */
    private void forget(Dir w) {
        if (w.gone) return;
        unwatch(w);
        for (Leaf f : List.copyOf(w.files)) changed.accept(f.path);
        for (Dir sub : List.copyOf(w.subdirs.values())) forget(sub);
        release(w.parent);
    }

    // ---- events ----

    /**
     * Reads what inotify has queued now, once a batch (the loop's wait count): a completion loop
     * serves a GET as soon as its bytes come, and any write that returned before the request was
     * sent has its event queued by then. (A readiness loop waits for its next wait instead, which
     * dispatches the inotify fd first: no read when nothing changed.)
     */
    void catchUp(long batch) {
        if (batch == caughtUp || inotifyFd < 0) return;
        caughtUp = batch;
        drain();
    }

    /** Reads the queued events and reports what each one makes stale; a queue too long for one drain loses track. */
    private void drain() {
        for (int reads = 0; reads < DRAIN_READS; reads++) {
            int n;
            try {
                n = Fds.read(inotifyFd, events, 0, EVENT_BUFFER);
            } catch (NativeIOException e) {
                loseTrack();  // cannot know what changed: nothing watched can be trusted
                return;
            }
            if (n <= 0) return;
            for (int at = 0; at < n; at += Native.INOTIFY_EVENT_SIZE + events.getInt(at + Native.INOTIFY_EVENT_LEN)) {
                int mask = events.getInt(at + Native.INOTIFY_EVENT_MASK);
                if ((mask & Native.IN_Q_OVERFLOW) != 0) {
                    loseTrack();
                    return;
                }
                int wd = events.getInt(at + Native.INOTIFY_EVENT_WD);
                Leaf file = files.get(wd);
                if (file != null) {  // the watched file itself, through whatever name
                    changed.accept(file.path);
                    continue;
                }
                Dir w = dirs.get(wd);
                if (w == null) continue;  // a watch already forgotten
                int len = events.getInt(at + Native.INOTIFY_EVENT_LEN);
                if (len == 0) {  // the directory itself
                    if ((mask & DIRECTORY_CHANGED) != 0) forget(w);
                    continue;
                }
                String name = name(at + Native.INOTIFY_EVENT_NAME, len);
                changed.accept(w.child(name));
                Dir sub = w.subdirs.get(name);
                if (sub != null && (mask & DIRECTORY_CHANGED) != 0) forget(sub);  // a directory of that name changed, moved, went or came
            }
        }
        loseTrack();  // still more: someone is churning files faster than we read; nothing watched is worth that
    }

    private String name(long at, int len) {
        byte[] b = new byte[len];
        events.get(at, b, 0, len);
        int end = 0;
        while (end < len && b[end] != 0) end++;
        return FileNames.decode(b, 0, end);  // as the request's path was decoded, UTF-8 or not
    }

    /**
     * Forgets every watch and starts again with a new inotify fd: its queue and every watch go with
     * the old one. The owner hears of it while the old fd is still open, its files unwatched
     * already: removing them then makes no syscall.
     */
    private void loseTrack() {
        for (Dir w : dirs.values()) w.gone = true;
        dirs.clear();
        for (Leaf f : files.values()) f.wd = -1;  // (they go with the old inotify fd)
        files.clear();
        rootDir = null;
        lostTrack.run();
        loop.close(inotifyFd);
        inotifyFd = -1;
        try {
            openInotify();
        } catch (IOException e) {
            // no inotify now (EMFILE): nothing is watched from here on
        }
    }

    /** Closes the inotify fd (its watches go with it) and frees the event buffer; the owner removes its files first. */
    @Override
    public void close() {
        if (inotifyFd >= 0) loop.close(inotifyFd);
        inotifyFd = -1;
        NativeMemory.free(events);
    }
}
