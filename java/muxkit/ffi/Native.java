package muxkit.ffi;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The loaded shim, the constants and layouts it reports, and the one rule for its results:
 * a negative value is -errno and becomes a {@link NativeIOException}.
 */
public final class Native {
    public static final LibMuxkit LIB = NativeLoader.load();
    public static final Runtime RUNTIME = Runtime.getRuntime(LIB);

    public static final int FD_SETSIZE = constant("FD_SETSIZE");
    public static final int EPOLL_EVENT_SIZE = constant("sizeof(struct epoll_event)");
    public static final int EPOLL_EVENT_EVENTS = constant("offsetof(struct epoll_event, events)");
    public static final int EPOLL_EVENT_DATA = constant("offsetof(struct epoll_event, data)");
    public static final int POLLFD_SIZE = constant("sizeof(struct pollfd)");
    public static final int POLLFD_FD = constant("offsetof(struct pollfd, fd)");
    public static final int POLLFD_EVENTS = constant("offsetof(struct pollfd, events)");
    public static final int POLLFD_REVENTS = constant("offsetof(struct pollfd, revents)");

    public static final int EAGAIN = constant("EAGAIN"), EINTR = constant("EINTR"),
            EBADF = constant("EBADF"), ENOENT = constant("ENOENT"), EINPROGRESS = constant("EINPROGRESS"),
            EMFILE = constant("EMFILE"), ENFILE = constant("ENFILE"), ENOSPC = constant("ENOSPC"),
            EPERM = constant("EPERM"), EINVAL = constant("EINVAL");
    public static final int O_NONBLOCK = constant("O_NONBLOCK"), O_CLOEXEC = constant("O_CLOEXEC"),
            EFD_NONBLOCK = constant("EFD_NONBLOCK"), EFD_CLOEXEC = constant("EFD_CLOEXEC");

    private Native() {}

    /** A constant or layout of the C side, by the name limits.c gives it; unknown names fail loudly. */
    public static int constant(String name) {
        long value = LIB.mk_const(name);
        if (value == Long.MIN_VALUE)
            throw new IllegalStateException("libmuxkit does not know the constant " + name);
        return (int) value;
    }

    public static String errnoName(int errno) { return LIB.mk_errno_name(errno); }
    public static String strerror(int errno) { return LIB.mk_strerror(errno); }

    /** Returns rc when it is a result; throws for -errno. */
    public static int check(int rc, String call, int fd) throws NativeIOException {
        if (rc < 0) throw new NativeIOException(call, fd, -rc);
        return rc;
    }

    public static long check(long rc, String call, int fd) throws NativeIOException {
        if (rc < 0) throw new NativeIOException(call, fd, (int) -rc);
        return rc;
    }

    /** Zeroed native memory, owned by the caller, freed when it becomes unreachable. */
    public static Pointer allocate(long bytes) {
        return Memory.allocateDirect(RUNTIME, bytes, true);
    }
}
