package io.muxkit.cli;

import io.muxkit.loop.LoopMonitor;
import io.muxkit.ring.RingFeatures;
import picocli.CommandLine.Mixin;

/**
 * What a command that runs event loops on either model takes (echo, files, load): the backend and
 * its trace ({@link MuxOptions}), the model (--io) and what the loops record ({@link LoopOptions}).
 */
final class LoopRunOptions {
    @Mixin
    MuxOptions mux;

    @Mixin
    IoOption io;

    @Mixin
    LoopOptions loop;

    private boolean ringSaid;

    /** The backend's options, told the model --io chose. */
    MuxOptions mux() {
        mux.io(io);
        return mux;
    }

    /** The monitor of the command's loops (--timeline, --lag-warn). */
    LoopMonitor monitor(String command, int loops) {
        return loop.monitor(command, loops, mux());
    }

    /** With --stats: the "ring:" line, once, as soon as the loops know what the kernel took (null: not yet, or no ring). */
    void sayRing(RingFeatures features) {
        if (ringSaid || features == null) return;
        System.out.println("ring: " + features.describe());
        ringSaid = true;
    }

    /** Writes the --timeline file, if one was asked for. */
    void writeTimeline() {
        loop.writeTimeline();
    }
}
