package io.muxkit.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.http.HttpError;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Timeline;
import io.muxkit.net.FileFds;
import io.muxkit.net.Fds;

/**
 * One loop's cache of open files, kept true by inotify on the loop's own multiplexer. An entry
 * holds the file's fd and its metadata; a small file's entry also holds its whole 200 response
 * (head and body) in native memory, so that a hit is one send. Never stale:
 * <ul>
 * <li>every directory on an entry's path is watched, and the file itself ({@link WatchTree}): what
 *     an event makes stale (a name in a directory, everything beneath a directory, or the file
 *     through any name) is dropped. When the watches lose track (a queue overflow, more events
 *     than one drain takes) the whole cache goes: a new inotify fd, nothing cached;</li>
 * <li>the inotify fd is dispatched first in every batch of ready fds ({@link EventLoop#registerFirst}),
 *     and the caller serves an entry only to a request read before the last wait (see
 *     {@link EventLoop#afterNextWait}, and {@link #catchUpNow} for a completion loop): the kernel
 *     queues an event before the write that caused it returns, so a request sent after that write
 *     finds the entry already dropped;</li>
 * <li>only paths without symlinks, at most {@link WatchTree#MAX_DEPTH} directories deep, and files with one
 *     link are cached, and an entry older than the validity period is compared with one fstatat
 *     (inode, size, mtime, ctime, links) before it is served, for writes inotify cannot see (AIO,
 *     another host on a network file system); a small entry's bytes are compared with the
 *     file's then too (one pread), for a store through a shared mapping to a page already dirty,
 *     which moves no mtime. A large entry's body is sent from the file, so it is always the
 *     file's bytes; only its ETag and Last-Modified can miss such a store.</li>
 * </ul>
 * Bounded by bytes and fds, least recently used first out; a directory is watched only while
 * something beneath it is cached. All of it on the loop's thread.
 */
final class FileCache implements AutoCloseable {
    /** Files up to this size keep their bytes and head in memory. */
    static final int SMALL = 64 * 1024;
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
    static final class Entry extends WatchTree.Leaf {
        int fd;  // -1 once closed
        final RootDir.Stat stat;
        final String etag, lastModified, contentType;
        /** A small file's 200 response, head then body, responseLength bytes; null for a large file. */
        NativeBuffer response;
        int responseLength, headLength, dateOffset;
        long dateSecond;
        long validatedNanos;
        private int users;
        private boolean dropped;

        Entry(String path, int fd, RootDir.Stat stat, String lastModified, String contentType) {
            super(path);
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

    private final RootDir root;
    private final Limits limits;
    private final EventLoop loop;
    private final WatchTree watches;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);  // access order: LRU
    /** The file's bytes and the entry's, for the comparison a revalidation makes (allocated once). */
    private final byte[] fileBytes = new byte[SMALL], cachedBytes = new byte[SMALL];
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
        this.watches = new WatchTree(root, loop, this::dropPath, this::dropAll);
    }

    /**
     * Reads what inotify has queued, once a batch, where the loop allows it, and says whether it
     * did: then a GET read in this batch may be served now. A completion loop does
     * ({@link WatchTree#catchUp}): its waits batch completions, and a turn more for every GET would
     * break the batches. A readiness loop does not: the request waits for the loop's next wait,
     * which dispatches the inotify fd first.
     */
    boolean catchUpNow() {
        if (loop.ring() == null) return false;
        watches.catchUp(loop.batch());
        return true;
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
        if (!watches.watching() || !st.regular() || st.links() != 1 || fdCeiling < 1) return null;
        long size = st.size() <= SMALL ? head.length + st.size() : 0;
        if (size > limits.maxBytes()) return null;
        Entry e = new Entry(path, opened.fd(), st, lastModified, contentType);
        if (!watches.track(e, e.fd)) return null;
        // watched, then read and compared: a change before the watches were made queued no event for us.
        // Tracked before the old entry or others go to make room: their going must not unwatch e's directories.
        if ((st.size() <= SMALL && !readResponse(e, head)) || !unchanged(e)) {
            watches.remove(e);
            NativeMemory.free(e.response);
            return null;
        }
        e.validatedNanos = System.nanoTime();
        Entry old = entries.get(path);
        if (old != null) drop(old, true);
        makeRoom(e.bytes());
        entries.put(path, e);
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

    /** What is cached under path is stale: an event said so, or our own write did (a PUT's rename: at once, not when its event comes). */
    void dropPath(String path) {
        Entry e = entries.get(path);
        if (e != null) drop(e, true);
    }

    /** The watches lost track (a queue overflow, a failed read, files churned faster than one drain): nothing cached can be trusted. */
    private void dropAll() {
        for (Entry e : List.copyOf(entries.values())) drop(e, true);
    }

    Stats stats() {
        return new Stats(hits, misses, invalidations, entries.size(), bytes, watches.directories());
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

    // ---- dropping and freeing ----

    private void drop(Entry e, boolean invalidated) {
        if (entries.get(e.path) == e) entries.remove(e.path);
        watches.remove(e);
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
        watches.close();
    }
}
