package io.muxkit.mux;

import io.muxkit.ffi.Native;

/** How a syscall trace writes arguments and results: flags by name, timespecs, results with errno, long lists cut as strace cuts them. */
final class SyscallText {
    /** Entries of a list written before "..." and the count, as strace's default -s cuts arrays. */
    static final int LIST_MAX = 16;

    private SyscallText() {}

    static String pollEvents(int events) {
        return flags(events, new int[] { Native.POLLIN, Native.POLLPRI, Native.POLLOUT, Native.POLLERR, Native.POLLHUP, Native.POLLNVAL, Native.POLLRDHUP },
                new String[] { "POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP" });
    }

    static String epollEvents(int events) {
        return flags(events, new int[] { Native.EPOLLIN, Native.EPOLLPRI, Native.EPOLLOUT, Native.EPOLLERR, Native.EPOLLHUP, Native.EPOLLRDHUP, Native.EPOLLET },
                new String[] { "EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLRDHUP", "EPOLLET" });
    }

    static String eventfdFlags(int flags) {
        return flags(flags, new int[] { Native.EFD_NONBLOCK, Native.EFD_CLOEXEC }, new String[] { "EFD_NONBLOCK", "EFD_CLOEXEC" });
    }

    static String setupFlags(int flags) {
        return flags(flags, new int[] { Native.IORING_SETUP_CQSIZE, Native.IORING_SETUP_CLAMP, Native.IORING_SETUP_SUBMIT_ALL,
                        Native.IORING_SETUP_SINGLE_ISSUER, Native.IORING_SETUP_DEFER_TASKRUN, Native.IORING_SETUP_COOP_TASKRUN,
                        Native.IORING_SETUP_TASKRUN_FLAG, Native.IORING_SETUP_R_DISABLED },
                new String[] { "IORING_SETUP_CQSIZE", "IORING_SETUP_CLAMP", "IORING_SETUP_SUBMIT_ALL", "IORING_SETUP_SINGLE_ISSUER",
                        "IORING_SETUP_DEFER_TASKRUN", "IORING_SETUP_COOP_TASKRUN", "IORING_SETUP_TASKRUN_FLAG", "IORING_SETUP_R_DISABLED" });
    }

    /** A completion request's opcode, by the kind muxkit gives it. */
    static String opcode(int kind) {
        return kind == Native.URING_ACCEPT_MULTI ? "ACCEPT" : kind == Native.URING_RECV_MULTI ? "RECV" : kind == Native.URING_SEND ? "SEND"
                : kind == 0 ? "POLL_ADD" : "kind " + kind;
    }

    private static String flags(int value, int[] bits, String[] names) {
        StringBuilder s = new StringBuilder();
        int left = value;
        for (int i = 0; i < bits.length; i++) {
            if ((value & bits[i]) == 0) continue;
            if (s.length() > 0) s.append('|');
            s.append(names[i]);
            left &= ~bits[i];
        }
        if (left != 0) s.append(s.length() > 0 ? "|" : "").append("0x").append(Integer.toHexString(left));
        return s.length() == 0 ? "0" : s.toString();
    }

    /** NULL for "forever", else {tv_sec=S, tv_nsec=N}. */
    static String timespec(long nanos) {
        return nanos < 0 ? "NULL" : "{tv_sec=" + nanos / 1_000_000_000L + ", tv_nsec=" + nanos % 1_000_000_000L + "}";
    }

    /** " = 3", or " = -1 EBADF (Bad file descriptor)" for a -errno. */
    static String result(long rc) {
        return rc >= 0 ? " = " + rc : " = -1 " + Native.errnoName((int) -rc) + " (" + Native.strerror((int) -rc) + ")";
    }

    static String took(long nanos) {
        return " " + nanos / 1000 + "us";
    }

    /** Appends ", ..." and how many were left out once LIST_MAX entries are written; true while there is room. */
    static boolean room(StringBuilder s, int written, int total) {
        if (written < LIST_MAX) return true;
        if (written == LIST_MAX) s.append(", ... ").append(total - LIST_MAX).append(" more");
        return false;
    }
}
