package io.muxkit.cli;

import java.util.Locale;

import io.muxkit.ffi.Native;
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
        SystemLimits limits = SystemLimits.read();
        System.out.printf(Locale.ROOT, "%-8s %-11s %s%n", "backend", "status", "limited by");
        for (Backend b : Backend.values()) {
            String why = b.unavailableReason();
            System.out.printf(Locale.ROOT, "%-8s %-11s %s%s%n", b.id(), why == null ? "available" : "unavailable",
                    limits.limitedBy(b), why == null ? "" : " (" + why + ")");
        }
        System.out.println("io completion (--io completion, on uring): " + RingSupport.probe().describe());
        System.out.println("binding: " + Native.binding() + " (" + Native.bindingReason() + ")");
        System.out.println("default: " + choice.backend().id() + " (" + choice.source() + ")");
    }
}
