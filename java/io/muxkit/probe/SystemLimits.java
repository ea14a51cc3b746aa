package io.muxkit.probe;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.Rlimits;
import io.muxkit.mux.Backend;

/**
 * The descriptor limits of this machine and process, read now.
 *
 * @param startedSoft the soft limit the launcher was started with (MUXKIT_START_NOFILE), or -1 if unknown
 * @param maxFdLimit  whether HotSpot's -XX:+MaxFDLimit (the default) is on: it raises the soft limit to the hard one at start-up
 */
public record SystemLimits(long nofileSoft, long nofileHard, long nrOpen, long fileMax, long[] fileNr,
                           long epollMaxUserWatches, int fdSetSize, int openFds, int highestFd,
                           long startedSoft, boolean maxFdLimit) {
    public static final String START_ENV = "MUXKIT_START_NOFILE";

    public static SystemLimits read() {
        Rlimits.Nofile nofile = Rlimits.nofile();
        String[] fileNr = sysctl("fs/file-nr").trim().split("\\s+");
        long[] nr = new long[fileNr.length];
        for (int i = 0; i < nr.length; i++) nr[i] = parse(fileNr[i]);
        int[] fds = countOpenFds();
        return new SystemLimits(nofile.soft(), nofile.hard(), parse(sysctl("fs/nr_open")), parse(sysctl("fs/file-max")),
                nr, parse(sysctl("fs/epoll/max_user_watches")), Native.FD_SETSIZE, fds[0], fds[1],
                readStartedSoft(), maxFdLimitFlag());
    }

    /** kernel.io_uring_disabled: 0 allowed, 1 only for io_uring_group, 2 for nobody; "absent" before Linux 6.6. */
    public static String ioUringDisabled() {
        String value = sysctl("kernel/io_uring_disabled");
        return value.isEmpty() ? "absent" : value;
    }

    /** The limits that bound backend b ({@link Backend#limits()}) with this machine's values, as `muxkit backends` prints them. */
    public String limitedBy(Backend b) {
        return b.limits().stream().map(this::describe).collect(Collectors.joining(", "));
    }

    private String describe(Backend.Limit limit) {
        return switch (limit) {
            case FD_SETSIZE -> "FD_SETSIZE " + fdSetSize + " (only fds 0.." + (fdSetSize - 1) + ")";
            case RLIMIT_NOFILE -> "RLIMIT_NOFILE soft " + nofileSoft + " (hard " + nofileHard + ")";
            case MAX_USER_WATCHES -> "max_user_watches " + epollMaxUserWatches;
            case IO_URING_DISABLED -> "kernel.io_uring_disabled " + ioUringDisabled();
            case MEMLOCK_BEFORE_5_12 -> "RLIMIT_MEMLOCK on kernels before 5.12";
        };
    }

    /** True when we know the soft limit was raised by the JVM at start-up. */
    public boolean jvmRaisedSoftLimit() {
        return maxFdLimit && startedSoft >= 0 && startedSoft < nofileHard;
    }

    /** What this process can still open: the soft RLIMIT_NOFILE less the fds open now and a headroom kept for the JVM. */
    public static long freeFds(int headroom) {
        return Rlimits.nofile().soft() - countOpenFds()[0] - headroom;
    }

    /** {count, highest} of this process's open fds. */
    public static int[] countOpenFds() {
        String[] names = new java.io.File("/proc/self/fd").list();
        int count = 0, highest = -1;
        if (names != null) {
            for (String name : names) {
                count++;
                highest = Math.max(highest, Integer.parseInt(name));
            }
            count--;  // the directory handle list() itself held open
        }
        return new int[] { count, highest };
    }

    private static long readStartedSoft() {
        String value = System.getenv(START_ENV);
        if (value == null) return -1;
        if (value.trim().equals("unlimited")) return Long.MAX_VALUE;
        return parse(value);
    }

    private static boolean maxFdLimitFlag() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("MaxFDLimit").getValue());
        } catch (RuntimeException e) {
            return false;  // not HotSpot
        }
    }

    /** /proc files report size 0, so read the stream rather than trust the size. */
    static String sysctl(String name) {
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys", name))) {
            return new String(in.readAllBytes()).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
