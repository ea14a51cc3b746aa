package io.muxkit.echo;

import java.util.Locale;

/**
 * Counters of an echo server. refused*: connections accepted and closed at once, by reason.
 * waits/events/syscalls/blockedNanos come from the multiplexers (events: ready fds, and on the
 * completion path the completions handled); mostBuffered is the most bytes
 * that ever waited to be echoed to one peer (the limit is the server's maxBufferedPerConnection);
 * buffersHeld, how many connections hold a buffer now (only those with a write pending do);
 * recvsOutOfBuffers, on the completion path, the multishot recvs the kernel ended because no buffer
 * of the ring was free (-ENOBUFS), each armed again once buffers came back.
 */
public record EchoStats(long open, long accepted, long refusedFdLimit, long refusedMaxConn, long shedNoFd,
                        long idleClosed, long reads, long bytes, long waits, long events, long syscalls,
                        long blockedNanos, long mostBuffered, long buffersHeld, long recvsOutOfBuffers) {
    public static final EchoStats ZERO = new EchoStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public EchoStats plus(EchoStats o) {
        return new EchoStats(open + o.open, accepted + o.accepted, refusedFdLimit + o.refusedFdLimit,
                refusedMaxConn + o.refusedMaxConn, shedNoFd + o.shedNoFd, idleClosed + o.idleClosed,
                reads + o.reads, bytes + o.bytes, waits + o.waits, events + o.events, syscalls + o.syscalls,
                blockedNanos + o.blockedNanos, Math.max(mostBuffered, o.mostBuffered), buffersHeld + o.buffersHeld,
                recvsOutOfBuffers + o.recvsOutOfBuffers);
    }

    /** One line for --stats: the rates over `seconds` since `before`. */
    public String line(EchoStats before, double seconds) {
        long w = waits - before.waits;
        long messages = reads - before.reads, calls = syscalls - before.syscalls;
        return String.format(Locale.ROOT, "conns %d  msgs/s %.0f  MB/s %.2f  waits/s %.0f  events/wait %.2f  blocked %.0f%%  syscalls/s %.0f  syscalls/msg %.2f  refused %d",
                open, messages / seconds, (bytes - before.bytes) / seconds / 1e6, w / seconds,
                w == 0 ? 0.0 : (double) (events - before.events) / w,
                100.0 * (blockedNanos - before.blockedNanos) / (seconds * 1e9), calls / seconds,
                messages == 0 ? 0.0 : (double) calls / messages, refusedFdLimit + refusedMaxConn + shedNoFd);
    }

    public String summary() {
        return String.format(Locale.ROOT, "accepted %d, refused %d (fd limit of the backend %d, --max-conn %d, out of fds %d), idle-closed %d, "
                        + "reads %d, bytes %d, waits %d, events %d, syscalls %d (%.2f a message), most buffered for one peer %d bytes%s",
                accepted, refusedFdLimit + refusedMaxConn + shedNoFd, refusedFdLimit, refusedMaxConn, shedNoFd,
                idleClosed, reads, bytes, waits, events, syscalls, reads == 0 ? 0.0 : (double) syscalls / reads, mostBuffered,
                recvsOutOfBuffers == 0 ? "" : ", recvs out of ring buffers " + recvsOutOfBuffers);
    }
}
