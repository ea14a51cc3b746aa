package io.muxkit.ring;

import java.util.ArrayList;
import java.util.List;

import io.muxkit.ffi.Native;

/**
 * How the kernel set a ring up: the setup flags it took of those asked for, its features, whether
 * io_uring_enter goes through a registered ring fd, the queue sizes it gave, and the buffers.
 */
public record RingFeatures(boolean completion, int setupFlags, int features, boolean registeredRing, int sqEntries,
                           int cqEntries, int buffers, int bufferSize) {
    /** What a completion ring asks for (the shim drops SINGLE_ISSUER, DEFER_TASKRUN and TASKRUN_FLAG where refused; see native/uring.c). */
    private static final int[] WANTED = { Native.IORING_SETUP_SINGLE_ISSUER, Native.IORING_SETUP_DEFER_TASKRUN,
            Native.IORING_SETUP_TASKRUN_FLAG, Native.IORING_SETUP_SUBMIT_ALL, Native.IORING_SETUP_CLAMP };
    private static final String[] WANTED_NAMES = { "SINGLE_ISSUER", "DEFER_TASKRUN", "TASKRUN_FLAG", "SUBMIT_ALL", "CLAMP" };

    /** The kernel can fill several buffers in one recv completion (6.10); muxkit takes one buffer a completion. */
    public boolean bundles() {
        return (features & Native.IORING_FEAT_RECVSEND_BUNDLE) != 0;
    }

    /** A wait can wait for a batch of completions, and for any one after a minimum time (6.12). */
    public boolean minWait() {
        return (features & Native.IORING_FEAT_MIN_TIMEOUT) != 0;
    }

    /** The flags asked for that the kernel refused, each dropped (never a failure): empty on a kernel of 6.1 or later. */
    public List<String> dropped() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < WANTED.length; i++) {
            if ((setupFlags & WANTED[i]) != 0) continue;
            boolean coop = WANTED[i] == Native.IORING_SETUP_DEFER_TASKRUN && (setupFlags & Native.IORING_SETUP_COOP_TASKRUN) != 0;
            out.add(WANTED_NAMES[i] + (coop ? " (COOP_TASKRUN instead)" : ""));
        }
        return out;
    }

    /** The setup as the kernel took it: "SINGLE_ISSUER|DEFER_TASKRUN|..., registered ring fd, batched waits", and what it refused. */
    public String flags() {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < WANTED.length; i++) if ((setupFlags & WANTED[i]) != 0) taken.add(WANTED_NAMES[i]);
        if ((setupFlags & Native.IORING_SETUP_COOP_TASKRUN) != 0) taken.add("COOP_TASKRUN");
        List<String> dropped = dropped();
        return String.join("|", taken) + (registeredRing ? ", registered ring fd" : ", plain ring fd")
                + (minWait() ? ", batched waits (min_wait)" : ", one completion a wait (no min_wait: a kernel before 6.12)")
                + (dropped.isEmpty() ? "" : "; refused by this kernel, dropped: " + String.join(", ", dropped));
    }

    /** {@link #flags} and the sizes: "..., sq 1024, cq 16384, 4096 buffers of 4096 B". */
    public String describe() {
        return flags() + ", sq " + sqEntries + ", cq " + cqEntries + (buffers > 0 ? ", " + buffers + " buffers of " + bufferSize + " B" : "");
    }
}
