package io.muxkit.mux;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;


/** The four kernel interfaces: select(2), poll(2), epoll(7) and io_uring's poll requests. */
public enum Backend {
    SELECT, POLL, EPOLL, URING;

    /**
     * Which {@link #best()} takes first. epoll before uring: measured on this kind of machine, uring's
     * poll requests cost about as much per event as epoll (see docs/io_uring.md), and epoll works in more
     * places (containers whose seccomp filter refuses io_uring_setup, kernel.io_uring_disabled).
     */
    private static final Backend[] PREFERENCE = { EPOLL, POLL, SELECT };

    /** The name used on the command line and in MUXKIT_BACKEND. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The wait syscall as --trace and a timeline name it: pselect6, ppoll, epoll_wait (epoll_pwait2 for a timeout to the nanosecond, named the same), io_uring_enter. */
    public String waitCall() {
        return switch (this) {
            case SELECT -> "pselect6";
            case POLL -> "ppoll";
            case EPOLL -> "epoll_wait";
            case URING -> "io_uring_enter";
        };
    }

    /** What can bound how many fds a backend watches (the values are the probe's to read: io.muxkit.probe.SystemLimits). */
    public enum Limit {
        /** select's bitmaps: only fds below it, whatever the fd limit. */
        FD_SETSIZE,
        RLIMIT_NOFILE,
        /** epoll's per-user cap on registrations (fs.epoll.max_user_watches). */
        MAX_USER_WATCHES,
        /** kernel.io_uring_disabled: 2 refuses every ring, 1 all but those of a group. */
        IO_URING_DISABLED,
        /** rings were charged to locked memory until 5.12. */
        MEMLOCK_BEFORE_5_12
    }

    /** What bounds the fds this backend can watch, most binding first. */
    public List<Limit> limits() {
        return switch (this) {
            case SELECT -> List.of(Limit.FD_SETSIZE);
            case POLL -> List.of(Limit.RLIMIT_NOFILE);
            case EPOLL -> List.of(Limit.RLIMIT_NOFILE, Limit.MAX_USER_WATCHES);
            case URING -> List.of(Limit.RLIMIT_NOFILE, Limit.IO_URING_DISABLED, Limit.MEMLOCK_BEFORE_5_12);
        };
    }

    /** Whether an {@link FdSetMode} applies: only select keeps fd_set bitmaps. */
    public boolean usesFdSet() {
        return this == SELECT;
    }

    /** Parses select|poll|epoll|uring in any case; otherwise names the valid choices. */
    public static Backend parse(String name) {
        for (Backend b : values())
            if (b.id().equalsIgnoreCase(name.trim())) return b;
        throw new IllegalArgumentException("unknown backend '" + name + "': choose one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Backend::id).collect(Collectors.joining(", "));
    }

    /** Null when this backend works here, else why not (found by trying it, as Python's DefaultSelector does). */
    public String unavailableReason() {
        try (Multiplexer probe = Multiplexer.open(this)) {
            return null;
        } catch (Exception | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            return root == e ? e.toString() : e + " (" + root + ")";
        }
    }

    /** The best backend that works here: epoll, else poll, else select (uring only by choice). */
    public static Backend best() {
        for (Backend b : PREFERENCE)
            if (b.unavailableReason() == null) return b;
        throw new IllegalStateException("no backend works here: " + EPOLL.unavailableReason());
    }
}
