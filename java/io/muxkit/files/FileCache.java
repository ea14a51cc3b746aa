package io.muxkit.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.http.HttpError;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Timeline;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.FileFds;
import io.muxkit.net.Fds;

/**
 * One loop's cache of open files, kept true by inotify on the loop's own multiplexer. An entry
 * holds the file's fd and its metadata; a small file's entry also holds its whole 200 response
 * (head and body) in native memory, so that a hit is one send. Never stale:
 * <ul>
 * <li>every directory on an entry's path is watched; a change to a name in it (modified,
 *     attributes, written and closed, moved, created, deleted) drops what is cached under that
 *     name, and a change to a directory itself (its attributes, a move, its removal) drops
 *     everything beneath it. A queue overflow, or more events than one drain takes (a process
 *     churning files), resets the whole cache: a new inotify fd, nothing cached;</li>
 * <li>the inotify fd is dispatched first in every batch of ready fds ({@link EventLoop#registerFirst}),
 *     and the caller serves an entry only to a request read before the last wait (see
 *     {@link EventLoop#afterNextWait}): the kernel queues an event before the write that caused it
 *     returns, so a request sent after that write finds the entry already dropped;</li>
 * <li>each cached file is watched itself too: a write or a new hard link through any name, in a
 *     directory watched or not, drops it at once (the link count's change is IN_ATTRIB on the
 *     file, which no directory watch hears);</li>
 * <li>only paths without symlinks, at most {@link #MAX_DEPTH} directories deep, and files with one
 *     link are cached, and an entry older than the validity period is compared with one fstatat
 *     (inode, size, mtime, ctime, links) before it is served, for writes inotify cannot see (AIO,
 *     another host on a network file system); a small entry's bytes are compared with the
 *     file's then too (one pread), for a store through a shared mapping to a page already dirty,
 *     which moves no mtime. A large entry's body is sent from the file, so it is always the
 *     file's bytes; only its ETag and Last-Modified can miss such a store.</li>
 * </ul>
 * Bounded by bytes and fds, least recently used first out; a directory is watched only while
 * something beneath it is cached. Every event costs a lookup or two, never a scan. All of it on
 * the loop's thread.
 */
final class FileCache implements AutoCloseable {
    /** Files up to this size keep their bytes and head in memory. */
    static final int SMALL = 64 * 1024;
    /** Deeper paths are served uncached: each directory on the way is watched. */
    static final int MAX_DEPTH = 32;
    private static final int EVENT_BUFFER = 64 * 1024;
    /** Event buffers one drain reads at most; a longer queue resets the cache rather than hold up the loop. */
    private static final int DRAIN_READS = 8;
    private static final int WATCHED = Native.IN_MODIFY | Native.IN_ATTRIB | Native.IN_CLOSE_WRITE | Native.IN_MOVED_FROM
            | Native.IN_MOVED_TO | Native.IN_CREATE | Native.IN_DELETE | Native.IN_DELETE_SELF | Native.IN_MOVE_SELF
            | Native.IN_ONLYDIR;
    /**
     * What, happening to a cached file itself, drops it: a write or a link count's change through
     * any name, even one in a directory no one watches (a hard link made later), and a chmod.
     */
    private static final int FILE_WATCHED = Native.IN_MODIFY | Native.IN_ATTRIB | Native.IN_CLOSE_WRITE | Native.IN_DELETE_SELF
            | Native.IN_MOVE_SELF;
    /** What, happening to a directory's name or to the directory itself, drops everything beneath it. */
    private static final int DIRECTORY_CHANGED = Native.IN_ATTRIB | Native.IN_MOVED_FROM | Native.IN_MOVED_TO
            | Native.IN_CREATE | Native.IN_DELETE | Native.IN_DELETE_SELF | Native.IN_MOVE_SELF | Native.IN_IGNORED;
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);

    /** Limits and the validity period. */
    record Limits(long maxBytes, int maxFds, long validMillis) {}

    /** Counters since the cache was made, and what it holds now. */
    record Stats(long hits, long misses, long invalidations, int entries, long bytes, int watches) {
        Stats plus(Stats o) {
            return new Stats(hits + o.hits, misses + o.misses, invalidations + o.invalidations, entries + o.entries,
                    bytes + o.bytes, watches + o.watches);
        }
    }

    /** A cached file. Connections that send from it hold it ({@link #hold}), so that a drop frees it only when they are done. */
    static final class Entry {
        final String path;
        int fd;  // -1 once closed
        final RootDir.Stat stat;
        final String etag, lastModified, contentType;
        /** A small file's 200 response, head then body, responseLength bytes; null for a large file. */
        NativeBuffer response;
        int responseLength, headLength, dateOffset;
        long dateSecond;
        long validatedNanos;
        private Watch dir;
        private int wd = -1;  // the watch on the file itself
        private int users;
        private boolean dropped;

        Entry(String path, int fd, RootDir.Stat stat, String lastModified, String contentType) {
            this.path = path;
            this.fd = fd;
            this.stat = stat;
            this.etag = stat.etag();
            this.lastModified = lastModified;
            this.contentType = contentType;
        }

        long bytes() {
            return response == null ? 0 : responseLength;
        }
    }

    /** A watched directory: the entries directly in it and the watched directories directly beneath it. */
    private static final class Watch {
        final String path, name;
        final int wd;
        final Watch parent;
        final Set<Entry> files = new HashSet<>();
        final Map<String, Watch> subdirs = new HashMap<>();
        boolean gone;

        Watch(String path, String name, int wd, Watch parent) {
            this.path = path;
            this.name = name;
            this.wd = wd;
            this.parent = parent;
        }

        String child(String childName) {
            return path.isEmpty() ? childName : path + "/" + childName;
        }
    }

    private final RootDir root;
    private final Limits limits;
    private final EventLoop loop;
    private int inotifyFd = -1;  // -1 when inotify could not be had again after a reset: nothing is cached
    private long caughtUp = -1;  // the batch in which catchUp last read the inotify fd
    private final NativeBuffer events = NativeMemory.allocate(EVENT_BUFFER);
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);  // access order: LRU
    private final Map<Integer, Watch> watches = new HashMap<>();
    private final Map<Integer, Entry> fileWatches = new HashMap<>();
    /** The file's bytes and the entry's, for the comparison a revalidation makes (allocated once). */
    private final byte[] fileBytes = new byte[SMALL], cachedBytes = new byte[SMALL];
    private Watch rootWatch;
    private long bytes, hits, misses, invalidations;
    /**
     * The most fds the cache keeps: the limit's, until the process ran out of fds (then what it kept
     * after giving some back), growing back by one for each file added once it has not run out for
     * {@link #REGROW_NANOS}: a flood that passed does not leave the cache small for good.
     */
    private int fdCeiling;
    private long outOfFdsAtNanos;
    private static final long REGROW_NANOS = 10_000_000_000L;

    /** Opens the inotify fd and registers it, first in every batch, on the loop. */
    FileCache(RootDir root, Limits limits, EventLoop loop) throws IOException {
        this.root = root;
        this.limits = limits;
        this.loop = loop;
        this.fdCeiling = limits.maxFds();
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

    /**
     * The entry for path; null on a miss. An entry older than the validity period is checked
     * against the file first: its stat, and a small entry's bytes too (one pread and a compare),
     * for a store through a shared mapping to a page already dirty, which moves no mtime.
     */
    Entry get(String path) {
        Entry e = entries.get(path);
        if (e == null) {
            misses++;
            loop.counter(Timeline.CACHE, hits, misses);
            return null;
        }
        long now = System.nanoTime();
        if (now - e.validatedNanos > limits.validMillis() * 1_000_000) {
            if (!unchanged(e) || !sameBytes(e)) {
                drop(e, true);
                misses++;
                loop.counter(Timeline.CACHE, hits, misses);
                return null;
            }
            e.validatedNanos = now;
        }
        hits++;
        loop.counter(Timeline.CACHE, hits, misses);
        return e;
    }

    /**
     * Opens path for reading the way the cache can keep it: no symlink on the way. Null when there
     * is one (the caller opens it the ordinary way, uncached); a FIFO, socket or device is a 403.
     */
    RootDir.Opened open(String path) throws HttpError {
        int fd;
        try {
            fd = openGivingBack(path, true);
        } catch (NativeIOException e) {
            if (e.errno() == Native.ELOOP) return null;
            throw RootDir.refusal(e);
        }
        return checked(fd);
    }

    /** {@link RootDir#openForReading}, symlinks followed (what is not cached), the cache's fds given back first when there are none. */
    RootDir.Opened openUncached(String path) throws HttpError {
        try {
            return checked(openGivingBack(path, false));
        } catch (NativeIOException e) {
            throw RootDir.refusal(e);
        }
    }

    /** Opens path for reading; out of fds (EMFILE, ENFILE), the cache gives fds back and it tries again. */
    private int openGivingBack(String path, boolean withoutLinks) throws NativeIOException {
        int flags = Native.O_RDONLY | Native.O_NONBLOCK | Native.O_NOCTTY;
        while (true) {
            try {
                return withoutLinks ? root.openWithoutLinks(path, flags) : root.open(path, flags);
            } catch (NativeIOException e) {
                if ((e.errno() != Native.EMFILE && e.errno() != Native.ENFILE) || !giveBackFds()) throw e;
            }
        }
    }

    /** fd with its stat if it is a regular file or a directory; a FIFO, socket or device is a 403 (and fd closed). */
    private static RootDir.Opened checked(int fd) throws HttpError {
        try {
            RootDir.Stat st = RootDir.stat(fd);
            if (st.regular() || st.directory()) return new RootDir.Opened(fd, st);
            throw new HttpError(403, "not a regular file or a directory");
        } catch (NativeIOException e) {
            Fds.closeQuietly(fd);
            throw RootDir.refusal(e);
        } catch (HttpError e) {
            Fds.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Keeps a regular file opened by {@link #open}; the cache then owns its fd. For a small file,
     * head is its 200 response head (with a Date header), read with the body into one block. Null
     * (and the fd still the caller's) when it is not to be cached: hard links, too deep, a
     * directory that cannot be watched (max_user_watches), a change while it was read, or no room.
     */
    Entry add(String path, RootDir.Opened opened, String lastModified, String contentType, byte[] head) {
        RootDir.Stat st = opened.stat();
        if (fdCeiling < limits.maxFds() && System.nanoTime() - outOfFdsAtNanos > REGROW_NANOS) fdCeiling++;
        if (inotifyFd < 0 || !st.regular() || st.links() != 1 || fdCeiling < 1) return null;
        long size = st.size() <= SMALL ? head.length + st.size() : 0;
        if (size > limits.maxBytes()) return null;
        Watch dir = watchDirectoriesOf(path);
        if (dir == null) return null;
        Entry e = new Entry(path, opened.fd(), st, lastModified, contentType);
        // watch, read, then compare: a change before the watches were made queued no event for us
        if (!watchFile(e) || (st.size() <= SMALL && !readResponse(e, head)) || !unchanged(e)) {
            unwatchFile(e);
            NativeMemory.free(e.response);
            release(dir);
            return null;
        }
        e.validatedNanos = System.nanoTime();
        Entry old = entries.get(path);
        if (old != null) drop(old, true);
        makeRoom(e.bytes());
        entries.put(path, e);
        e.dir = dir;
        dir.files.add(e);
        bytes += e.bytes();
        return e;
    }

    /**
     * The process is out of fds (an accept or an open failed with EMFILE): closes the least
     * recently used quarter (at least one) of the entries no connection is sending from, and keeps
     * the cache from growing past what it holds then, so that connections, not the cache, get the
     * fds while the pressure lasts. False when nothing could be given back.
     */
    boolean giveBackFds() {
        List<Entry> idle = new ArrayList<>();
        for (Entry e : entries.values()) if (e.users == 0) idle.add(e);
        if (idle.isEmpty()) return false;
        for (Entry e : idle.subList(0, Math.max(1, idle.size() / 4))) drop(e, false);
        fdCeiling = Math.min(fdCeiling, entries.size());
        outOfFdsAtNanos = System.nanoTime();
        return true;
    }

    /** A connection sends from e: it stays whole until {@link #release(Entry)}. */
    static void hold(Entry e) {
        e.users++;
    }

    /** A connection is done with e. */
    static void release(Entry e) {
        e.users--;
        if (e.dropped && e.users == 0) free(e);
    }

    /** Whether e's response may be sent as it is now, its Date set to this second: not while another connection is partway through it. */
    boolean patchDate(Entry e, long epochSecond, byte[] date) {
        if (e.dateSecond == epochSecond) return true;
        if (e.users > 0) return false;
        e.response.put(e.dateOffset, date, 0, date.length);
        e.dateSecond = epochSecond;
        return true;
    }

    /** Our own write (a PUT's rename): drop at once, not only when the event comes. */
    void dropPath(String path) {
        Entry e = entries.get(path);
        if (e != null) drop(e, true);
    }

    Stats stats() {
        return new Stats(hits, misses, invalidations, entries.size(), bytes, watches.size());
    }

    /** Whether what e's fd and e's path show now is what e holds: one fstat, one fstatat, one link. */
    private boolean unchanged(Entry e) {
        try {
            RootDir.Stat now = RootDir.stat(e.fd), named = root.statPath(e.path);
            return named != null && named.regular() && named.links() == 1 && now.unchangedAs(e.stat) && named.unchangedAs(e.stat);
        } catch (NativeIOException ex) {
            return false;
        }
    }

    /** Whether a small entry's body is what its file holds now (a large one is sent from the file). */
    private boolean sameBytes(Entry e) {
        if (e.response == null) return true;
        int length = e.responseLength - e.headLength;
        long n = FileFds.preadOrErrno(e.fd, fileBytes, length, 0);
        if (n != length) return false;  // shorter, longer cannot be (the stat matched), or an error: drop it
        e.response.get(e.headLength, cachedBytes, 0, length);
        return Arrays.equals(fileBytes, 0, length, cachedBytes, 0, length);
    }

    /** Watches e's file itself; false when it cannot be (max_user_watches), or the inode is cached already by another path. */
    private boolean watchFile(Entry e) {
        int wd = FileFds.inotifyWatchOrErrno(inotifyFd, e.fd, FILE_WATCHED);
        if (wd < 0 || fileWatches.containsKey(wd) || watches.containsKey(wd)) return false;  // (a bind mount: not twice)
        e.wd = wd;
        fileWatches.put(wd, e);
        return true;
    }

    private void unwatchFile(Entry e) {
        if (e.wd < 0) return;
        fileWatches.remove(e.wd);
        if (inotifyFd >= 0) FileFds.inotifyUnwatchQuietly(inotifyFd, e.wd);
        e.wd = -1;
    }

    private boolean readResponse(Entry e, byte[] head) {
        int length = head.length + (int) e.stat.size();
        NativeBuffer block = NativeMemory.allocate(length);
        block.put(0, head, 0, head.length);
        try {
            for (int at = head.length; at < length; ) {
                int n = Fds.read(e.fd, block, at, length - at);
                if (n <= 0) throw new IOException("the file changed while it was read");  // shrank, or a FIFO after all
                at += n;
            }
        } catch (IOException ex) {
            NativeMemory.free(block);
            return false;
        }
        e.response = block;
        e.responseLength = length;
        e.headLength = head.length;
        e.dateOffset = indexOf(head, DATE) + DATE.length;
        e.dateSecond = -1;
        return e.dateOffset >= DATE.length;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) if (in[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }

    // ---- the watched directories ----

    /** Watches the root and every directory on path's way; the watch of path's directory, or null when one cannot be watched. */
    private Watch watchDirectoriesOf(String path) {
        String[] names = path.split("/");
        if (names.length - 1 > MAX_DEPTH) return null;
        if (rootWatch == null && (rootWatch = watch("", "", null)) == null) return null;
        Watch w = rootWatch;
        for (int i = 0; i < names.length - 1; i++) {
            Watch sub = w.subdirs.get(names[i]);
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

    private Watch watch(String dir, String name, Watch parent) {
        int fd;
        try {
            fd = root.openWithoutLinks(dir, Native.O_PATH | Native.O_DIRECTORY);
        } catch (NativeIOException e) {
            return null;
        }
        try {
            int wd = FileFds.inotifyWatchOrErrno(inotifyFd, fd, WATCHED);
            if (wd < 0) return null;  // ENOSPC at max_user_watches: that directory is simply not cached
            if (watches.containsKey(wd)) return null;  // the same directory by another path (a bind mount): not twice
            Watch w = new Watch(dir, name, wd, parent);
            watches.put(wd, w);
            return w;
        } finally {
            Fds.closeQuietly(fd);
        }
    }

    /** Stops watching w and the directories above it as far as nothing beneath them is cached. */
    private void release(Watch w) {
        while (w != null && !w.gone && w.files.isEmpty() && w.subdirs.isEmpty()) {
            unwatch(w);
            w = w.parent;
        }
    }

    private void unwatch(Watch w) {
        w.gone = true;
        watches.remove(w.wd);
        FileFds.inotifyUnwatchQuietly(inotifyFd, w.wd);  // (the kernel may have dropped it already)
        if (w.parent == null) rootWatch = null;
        else w.parent.subdirs.remove(w.name);
    }

    /** The directory itself changed: everything cached beneath it goes, and so do the watches beneath it. */
    private void forget(Watch w) {
        if (w.gone) return;
        unwatch(w);
        for (Entry e : List.copyOf(w.files)) drop(e, true);
        for (Watch sub : List.copyOf(w.subdirs.values())) forget(sub);
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

    /** Reads the queued events and drops what each one touches; a queue too long for one drain resets the cache. */
    private void drain() {
        for (int reads = 0; reads < DRAIN_READS; reads++) {
            int n;
            try {
                n = Fds.read(inotifyFd, events, 0, EVENT_BUFFER);
            } catch (NativeIOException e) {
                reset();  // cannot know what changed: nothing cached can be trusted
                return;
            }
            if (n <= 0) return;
            for (int at = 0; at < n; at += Native.INOTIFY_EVENT_SIZE + events.getInt(at + Native.INOTIFY_EVENT_LEN)) {
                int mask = events.getInt(at + Native.INOTIFY_EVENT_MASK);
                if ((mask & Native.IN_Q_OVERFLOW) != 0) {
                    reset();
                    return;
                }
                int wd = events.getInt(at + Native.INOTIFY_EVENT_WD);
                Entry file = fileWatches.get(wd);
                if (file != null) {  // the cached file itself, through whatever name
                    drop(file, true);
                    continue;
                }
                Watch w = watches.get(wd);
                if (w == null) continue;  // a watch already forgotten
                int len = events.getInt(at + Native.INOTIFY_EVENT_LEN);
                if (len == 0) {  // the directory itself
                    if ((mask & DIRECTORY_CHANGED) != 0) forget(w);
                    continue;
                }
                String name = name(at + Native.INOTIFY_EVENT_NAME, len);
                dropPath(w.child(name));
                Watch sub = w.subdirs.get(name);
                if (sub != null && (mask & DIRECTORY_CHANGED) != 0) forget(sub);  // a directory of that name changed, moved, went or came
            }
        }
        reset();  // still more: someone is churning files faster than we read; nothing cached is worth that
    }

    private String name(long at, int len) {
        byte[] b = new byte[len];
        events.get(at, b, 0, len);
        int end = 0;
        while (end < len && b[end] != 0) end++;
        return FileNames.decode(b, 0, end);  // as the request's path was decoded, UTF-8 or not
    }

    /** Drops everything and starts again with a new inotify fd: its queue and every watch go with the old one. */
    private void reset() {
        for (Watch w : watches.values()) w.gone = true;
        watches.clear();
        for (Entry e : fileWatches.values()) e.wd = -1;  // (they go with the old inotify fd)
        fileWatches.clear();
        rootWatch = null;
        for (Entry e : List.copyOf(entries.values())) drop(e, true);
        loop.close(inotifyFd);
        inotifyFd = -1;
        try {
            openInotify();
        } catch (IOException e) {
            // no inotify now (EMFILE): nothing is cached from here on
        }
    }

    // ---- dropping and freeing ----

    private void drop(Entry e, boolean invalidated) {
        if (entries.get(e.path) == e) entries.remove(e.path);
        unwatchFile(e);
        if (e.dir != null) {
            e.dir.files.remove(e);
            release(e.dir);
            e.dir = null;
        }
        if (e.dropped) return;
        e.dropped = true;
        if (invalidated) invalidations++;
        bytes -= e.bytes();
        if (e.users == 0) free(e);
    }

    private static void free(Entry e) {
        if (e.fd < 0) return;
        Fds.closeQuietly(e.fd);
        e.fd = -1;
        NativeMemory.free(e.response);
        e.response = null;
    }

    /** Least recently used out until there is room for one more entry of extra bytes. */
    private void makeRoom(long extra) {
        Iterator<Entry> it = entries.values().iterator();
        List<Entry> out = new ArrayList<>();
        long after = bytes;
        for (int count = entries.size(); (after + extra > limits.maxBytes() || count >= fdCeiling) && it.hasNext(); count--) {
            Entry e = it.next();
            out.add(e);
            after -= e.bytes();
        }
        for (Entry e : out) drop(e, false);
    }

    /** Frees every entry (their connections are closed), the watches and the inotify fd. */
    @Override
    public void close() {
        for (Entry e : List.copyOf(entries.values())) {
            e.users = 0;
            drop(e, false);
        }
        if (inotifyFd >= 0) loop.close(inotifyFd);
        inotifyFd = -1;
        NativeMemory.free(events);
    }
}
