package io.muxkit.cli;

import java.util.Locale;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.Rlimits;
import io.muxkit.mux.Backend;
import io.muxkit.mux.BackendChoice;
import io.muxkit.probe.RingSupport;
import io.muxkit.probe.SystemLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backends: available or why not, what limits each, and which is the default and why;"
                + " what io_uring's completion path (--io completion) has of this kernel; and which binding (jnr or ffm) calls the shim, and why.")
final class BackendsCommand implements Runnable {
    @Mixin
    BackendOption backend;

    @Override
    public void run() {
        BackendChoice choice = backend.choose();
        Rlimits.Nofile nofile = Rlimits.nofile();
        String nofileText = "RLIMIT_NOFILE soft " + nofile.soft() + " (hard " + nofile.hard() + ")";
        System.out.printf(Locale.ROOT, "%-8s %-11s %s%n", "backend", "status", "limited by");
        for (Backend b : Backend.values()) {
            String why = b.unavailableReason();
            String limits = switch (b) {
                case SELECT -> "FD_SETSIZE " + Native.FD_SETSIZE + " (only fds 0.." + (Native.FD_SETSIZE - 1) + ")";
                case POLL -> nofileText;
                case EPOLL -> nofileText + ", max_user_watches " + SystemLimits.read().epollMaxUserWatches();
                case URING -> nofileText + ", kernel.io_uring_disabled " + SystemLimits.ioUringDisabled()
                        + ", RLIMIT_MEMLOCK on kernels before 5.12";
            };
            System.out.printf(Locale.ROOT, "%-8s %-11s %s%s%n", b.id(), why == null ? "available" : "unavailable",
                    limits, why == null ? "" : " (" + why + ")");
        }
        System.out.println("io completion (--io completion, on uring): " + RingSupport.probe().describe());
        System.out.println("binding: " + Native.binding() + " (" + Native.bindingReason() + ")");
        System.out.println("default: " + choice.backend().id() + " (" + choice.source() + ")");
    }
}
