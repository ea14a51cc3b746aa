package io.muxkit.ffi;

/**
 * The loaded shim, every constant and layout Java takes from it (resolved once, here), and the one
 * rule for its results: a value >= 0 is the result, -EAGAIN is {@link #AGAIN}, any other -errno
 * becomes a {@link NativeIOException} (Netty's {@code Errors.ioResult}). The shim is reached
 * through the {@link Binding} that {@link Bindings} picked; nothing here depends on which.
 */
public final class Native {
    static final LibMuxkit LIB = NativeLoader.load(Bindings.Current.BINDING);
    private static final MemoryAccess MEMORY = Bindings.Current.BINDING.memory();

    static {  // a MUXKIT_FAULTS that does not parse fails loudly rather than testing nothing
        String faultsError = LIB.mk_faults_error();
        if (faultsError != null) throw new IllegalArgumentException("MUXKIT_FAULTS: " + faultsError);
    }

    /** What {@link #ioResult} returns for EAGAIN: nothing can be read or written now. */
    public static final int AGAIN = -1;

    // layouts: the packed 12-byte struct epoll_event on x86_64, struct pollfd
    public static final int FD_SETSIZE = constant("FD_SETSIZE");
    public static final int EPOLL_EVENT_SIZE = constant("sizeof(struct epoll_event)");
    public static final int EPOLL_EVENT_EVENTS = constant("offsetof(struct epoll_event, events)");
    public static final int EPOLL_EVENT_DATA = constant("offsetof(struct epoll_event, data)");
    public static final int POLLFD_SIZE = constant("sizeof(struct pollfd)");
    public static final int URING_OP_SIZE = constant("sizeof(struct mk_uring_op)"),
            URING_OP_USER_DATA = constant("offsetof(struct mk_uring_op, user_data)"),
            URING_OP_ADDR = constant("offsetof(struct mk_uring_op, addr)"),
            URING_OP_FD = constant("offsetof(struct mk_uring_op, fd)"),
            URING_OP_EVENTS = constant("offsetof(struct mk_uring_op, events)"),
            URING_OP_KIND = constant("offsetof(struct mk_uring_op, kind)"),
            URING_OP_ARG = constant("offsetof(struct mk_uring_op, arg)"),
            URING_NOP = constant("MK_URING_NOP"), URING_ADD = constant("MK_URING_ADD"),
            URING_ADD_MULTI = constant("MK_URING_ADD_MULTI"), URING_REMOVE = constant("MK_URING_REMOVE"),
            URING_ACCEPT_MULTI = constant("MK_URING_ACCEPT_MULTI"), URING_RECV_MULTI = constant("MK_URING_RECV_MULTI"),
            URING_SEND = constant("MK_URING_SEND"), URING_CANCEL = constant("MK_URING_CANCEL"),
            URING_CANCEL_CLOSE = constant("MK_URING_CANCEL_CLOSE"), URING_BUFFER = constant("MK_URING_BUFFER"),
            URING_KIND_SHIFT = constant("MK_URING_KIND_SHIFT");
    // struct mk_uring: the counters and what the kernel took, read by offset
    public static final int URING_ENTERS = constant("offsetof(struct mk_uring, enters)"),
            URING_SUBMITTED = constant("offsetof(struct mk_uring, submitted)"),
            URING_TAKEN = constant("offsetof(struct mk_uring, taken)"),
            URING_SQES_WRITTEN = constant("offsetof(struct mk_uring, sqes_written)"),
            URING_INFLIGHT = constant("offsetof(struct mk_uring, inflight)"),
            URING_MIN_COMPLETE = constant("offsetof(struct mk_uring, min_complete)"),
            URING_SETUP_FLAGS = constant("offsetof(struct mk_uring, setup_flags)"),
            URING_WAIT_NR = constant("offsetof(struct mk_uring, wait_nr)"),
            URING_MIN_WAIT_USEC = constant("offsetof(struct mk_uring, min_wait_usec)"),
            URING_FEATURES = constant("offsetof(struct mk_uring, features)"),
            URING_REGISTERED_RING = constant("offsetof(struct mk_uring, registered_ring)"),
            URING_SQ_ENTRIES = constant("offsetof(struct mk_uring, sq_entries)"),
            URING_CQ_ENTRIES = constant("offsetof(struct mk_uring, cq_entries)"),
            IO_URING_BUF_SIZE = constant("sizeof(struct io_uring_buf)");
    public static final int CQE_SIZE = constant("sizeof(struct io_uring_cqe)"),
            CQE_USER_DATA = constant("offsetof(struct io_uring_cqe, user_data)"),
            CQE_RES = constant("offsetof(struct io_uring_cqe, res)"), CQE_FLAGS = constant("offsetof(struct io_uring_cqe, flags)"),
            IORING_CQE_F_MORE = constant("IORING_CQE_F_MORE"), IORING_CQE_F_BUFFER = constant("IORING_CQE_F_BUFFER"),
            IORING_CQE_BUFFER_SHIFT = constant("IORING_CQE_BUFFER_SHIFT"),
            IORING_ASYNC_CANCEL_ANY = constant("IORING_ASYNC_CANCEL_ANY");
    public static final int IORING_SETUP_SINGLE_ISSUER = constant("IORING_SETUP_SINGLE_ISSUER"),
            IORING_SETUP_DEFER_TASKRUN = constant("IORING_SETUP_DEFER_TASKRUN"),
            IORING_SETUP_COOP_TASKRUN = constant("IORING_SETUP_COOP_TASKRUN"),
            IORING_SETUP_TASKRUN_FLAG = constant("IORING_SETUP_TASKRUN_FLAG"),
            IORING_SETUP_SUBMIT_ALL = constant("IORING_SETUP_SUBMIT_ALL"), IORING_SETUP_CLAMP = constant("IORING_SETUP_CLAMP"),
            IORING_SETUP_CQSIZE = constant("IORING_SETUP_CQSIZE"), IORING_SETUP_R_DISABLED = constant("IORING_SETUP_R_DISABLED"),
            IORING_FEAT_RECVSEND_BUNDLE = constant("IORING_FEAT_RECVSEND_BUNDLE"),
            IORING_FEAT_MIN_TIMEOUT = constant("IORING_FEAT_MIN_TIMEOUT");
    public static final int POLLFD_FD = constant("offsetof(struct pollfd, fd)");
    public static final int POLLFD_EVENTS = constant("offsetof(struct pollfd, events)");
    public static final int POLLFD_REVENTS = constant("offsetof(struct pollfd, revents)");
    public static final int DIRENT_RECLEN = constant("offsetof(struct dirent64, d_reclen)"),
            DIRENT_TYPE = constant("offsetof(struct dirent64, d_type)"), DIRENT_NAME = constant("offsetof(struct dirent64, d_name)");

    // poll(2) events; epoll(7)'s are the same bits, and EpollMultiplexer relies on that
    public static final int POLLIN = constant("POLLIN"), POLLPRI = constant("POLLPRI"), POLLOUT = constant("POLLOUT"),
            POLLERR = constant("POLLERR"), POLLHUP = constant("POLLHUP"), POLLNVAL = constant("POLLNVAL"),
            POLLRDHUP = constant("POLLRDHUP");
    public static final int EPOLLIN = constant("EPOLLIN"), EPOLLPRI = constant("EPOLLPRI"), EPOLLOUT = constant("EPOLLOUT"),
            EPOLLERR = constant("EPOLLERR"), EPOLLHUP = constant("EPOLLHUP"), EPOLLRDHUP = constant("EPOLLRDHUP"),
            EPOLLET = constant("EPOLLET");
    public static final int EPOLL_CTL_ADD = constant("EPOLL_CTL_ADD"), EPOLL_CTL_MOD = constant("EPOLL_CTL_MOD"),
            EPOLL_CTL_DEL = constant("EPOLL_CTL_DEL"), EPOLL_CLOEXEC = constant("EPOLL_CLOEXEC");

    // open(2), eventfd(2), sockets
    public static final int O_RDONLY = constant("O_RDONLY"), O_WRONLY = constant("O_WRONLY"), O_CREAT = constant("O_CREAT"),
            O_EXCL = constant("O_EXCL"), O_DIRECTORY = constant("O_DIRECTORY"), O_NONBLOCK = constant("O_NONBLOCK"),
            O_CLOEXEC = constant("O_CLOEXEC"), O_PATH = constant("O_PATH"), O_NOCTTY = constant("O_NOCTTY"),
            RESOLVE_NO_SYMLINKS = constant("RESOLVE_NO_SYMLINKS");

    // inotify(7): struct inotify_event and the events the file cache listens for
    public static final int INOTIFY_EVENT_SIZE = constant("sizeof(struct inotify_event)"),
            INOTIFY_EVENT_WD = constant("offsetof(struct inotify_event, wd)"),
            INOTIFY_EVENT_MASK = constant("offsetof(struct inotify_event, mask)"),
            INOTIFY_EVENT_LEN = constant("offsetof(struct inotify_event, len)"),
            INOTIFY_EVENT_NAME = constant("offsetof(struct inotify_event, name)");
    public static final int IN_MODIFY = constant("IN_MODIFY"), IN_ATTRIB = constant("IN_ATTRIB"),
            IN_CLOSE_WRITE = constant("IN_CLOSE_WRITE"), IN_MOVED_FROM = constant("IN_MOVED_FROM"),
            IN_MOVED_TO = constant("IN_MOVED_TO"), IN_CREATE = constant("IN_CREATE"), IN_DELETE = constant("IN_DELETE"),
            IN_DELETE_SELF = constant("IN_DELETE_SELF"), IN_MOVE_SELF = constant("IN_MOVE_SELF"),
            IN_Q_OVERFLOW = constant("IN_Q_OVERFLOW"), IN_IGNORED = constant("IN_IGNORED"), IN_ONLYDIR = constant("IN_ONLYDIR");
    public static final int EFD_NONBLOCK = constant("EFD_NONBLOCK"), EFD_CLOEXEC = constant("EFD_CLOEXEC");
    public static final int AF_INET = constant("AF_INET"), AF_INET6 = constant("AF_INET6"), AF_UNIX = constant("AF_UNIX"),
            SOCK_STREAM = constant("SOCK_STREAM"), SOCK_NONBLOCK = constant("SOCK_NONBLOCK"),
            SOCK_CLOEXEC = constant("SOCK_CLOEXEC");
    public static final int SOL_SOCKET = constant("SOL_SOCKET"), SO_ERROR = constant("SO_ERROR"),
            SO_REUSEADDR = constant("SO_REUSEADDR"), SO_REUSEPORT = constant("SO_REUSEPORT"),
            IPPROTO_TCP = constant("IPPROTO_TCP"), TCP_NODELAY = constant("TCP_NODELAY");
    public static final int MSG_MORE = constant("MSG_MORE"), MSG_NOSIGNAL = constant("MSG_NOSIGNAL"),
            SHUT_WR = constant("SHUT_WR");

    // errno values
    public static final int EAGAIN = constant("EAGAIN"), EINTR = constant("EINTR"), EBADF = constant("EBADF"),
            EINPROGRESS = constant("EINPROGRESS"), EMFILE = constant("EMFILE"), ENFILE = constant("ENFILE"),
            ENOENT = constant("ENOENT"), EPERM = constant("EPERM"), ENOSPC = constant("ENOSPC"),
            EXDEV = constant("EXDEV"), ELOOP = constant("ELOOP"), ENOTDIR = constant("ENOTDIR"),
            EACCES = constant("EACCES"), EINVAL = constant("EINVAL"), ENAMETOOLONG = constant("ENAMETOOLONG"),
            ENXIO = constant("ENXIO"), EOPNOTSUPP = constant("EOPNOTSUPP"), EISDIR = constant("EISDIR"),
            EEXIST = constant("EEXIST"), ECANCELED = constant("ECANCELED"), ENOSYS = constant("ENOSYS"),
            ENOMEM = constant("ENOMEM"), ECONNREFUSED = constant("ECONNREFUSED"), ECONNRESET = constant("ECONNRESET"),
            ENOBUFS = constant("ENOBUFS"), EPIPE = constant("EPIPE"), ETIME = constant("ETIME");

    public static final int SIGWINCH = constant("SIGWINCH");

    private Native() {}

    /** A constant or layout of the C side, by the name constants.c gives it; unknown names fail loudly. */
    public static int constant(String name) {
        long value = LIB.mk_const(name);
        if (value == Long.MIN_VALUE)
            throw new IllegalStateException("libmuxkit does not know the constant " + name);
        return (int) value;
    }

    /**
     * The shim, for the syscall wrappers of io.muxkit.net (fds, sockets, files) only: the code
     * above calls those (BoundaryTest holds that).
     */
    public static LibMuxkit syscalls() { return LIB; }

    /**
     * The multiplexers' part of the shim, for io.muxkit.mux only, which may decorate it with a
     * trace and hands it to the rings it opens (io.muxkit.ring).
     */
    public static MuxSyscalls muxSyscalls() { return LIB; }

    /** The binding that runs, "jnr" or "ffm". */
    public static String binding() { return Bindings.Current.CHOICE.name(); }

    /** Why that binding runs, e.g. "MUXKIT_BINDING=jnr" or "JDK 25: the default on JDK 22+". */
    public static String bindingReason() { return Bindings.Current.CHOICE.reason(); }

    static MemoryAccess memory() { return MEMORY; }

    public static String errnoName(int errno) { return LIB.mk_errno_name(errno); }
    public static String strerror(int errno) { return LIB.mk_strerror(errno); }

    /** Returns rc when it is a result; throws for -errno (EAGAIN included). */
    public static int check(int rc, String call, int fd) throws NativeIOException {
        if (rc < 0) throw new NativeIOException(call, fd, -rc);
        return rc;
    }

    public static long check(long rc, String call, int fd) throws NativeIOException {
        if (rc < 0) throw new NativeIOException(call, fd, (int) -rc);
        return rc;
    }

    /** The result of a nonblocking read, write, send, sendfile or accept: rc, {@link #AGAIN} for EAGAIN, else throws. */
    public static long ioResult(long rc, String call, int fd) throws NativeIOException {
        if (rc >= 0) return rc;
        if (rc == -EAGAIN) return AGAIN;
        throw new NativeIOException(call, fd, (int) -rc);
    }
}
