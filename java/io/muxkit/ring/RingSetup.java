package io.muxkit.ring;

/**
 * The sizes of a completion ring: submission and completion queue entries (the kernel clamps the
 * completion queue to its most), and the provided buffers that recvs fill (shared by every
 * connection of the ring: count times size bytes, allocated once).
 */
public record RingSetup(int sqEntries, int cqEntries, int buffers, int bufferSize) {
    /** Buffers of 4 KiB, enough for an echo message or an HTTP head in one. */
    public static final int BUFFER_SIZE = 4096;

    public RingSetup {
        if (sqEntries < 1 || cqEntries < sqEntries) throw new IllegalArgumentException("sq " + sqEntries + ", cq " + cqEntries);
    }

    /**
     * For a loop of up to `connections` connections: a completion queue of two entries per
     * connection (a recv and a send in flight each), 1,024 at least, and 4,096 buffers of 4 KiB
     * (16 MiB a loop).
     */
    public static RingSetup forConnections(long connections) {
        long cq = Long.highestOneBit(Math.max(1024, Math.min(1 << 20, 2 * connections)) * 2 - 1);
        return new RingSetup(1024, (int) cq, 4096, BUFFER_SIZE);
    }
}
