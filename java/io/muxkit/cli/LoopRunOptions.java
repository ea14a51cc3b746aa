package io.muxkit.cli;

import io.muxkit.loop.LoopMonitor;
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

    /** The backend's options, told the model --io chose. */
    MuxOptions mux() {
        mux.io(io);
        return mux;
    }

    /** The monitor of the command's loops (--timeline, --lag-warn). */
    LoopMonitor monitor(String command, int loops) {
        return loop.monitor(command, loops, mux());
    }

    /** Writes the --timeline file, if one was asked for. */
    void writeTimeline() {
        loop.writeTimeline();
    }
}
