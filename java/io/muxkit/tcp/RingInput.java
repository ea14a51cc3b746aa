package io.muxkit.tcp;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ring.BufferRing;

/**
 * What a ring stream has received and its protocol has not read yet: buffers of the loop's ring,
 * in order, and before them, bytes moved out of the ring into a buffer of the stream's own. They
 * are moved when the protocol stops reading: a peer whose protocol does not read it then pins none
 * of the buffers every connection shares (a multishot recv takes what the socket holds before its
 * cancel lands), and holds at most {@link RingIo.Shared#RECV_LIMIT} bytes of its own.
 */
final class RingInput {
    private final BufferRing buffers;
    private final BufferPool spill;
    private static final int[] NONE = new int[0];
    private int[] bids = NONE, starts = NONE, lengths = NONE;  // a ring of the buffers' ids, starts and lengths: none while idle
    private int first, count;
    private NativeBuffer moved;  // from spill while it holds bytes (or, emptied, until the next read), else null
    private int movedAt, movedLength;
    private long bytes;  // held, moved or in the ring
    private NativeBuffer memory;
    private long at;

    RingInput(BufferRing buffers, BufferPool spill) {
        this.buffers = buffers;
        this.spill = spill;
    }

    boolean isEmpty() {
        return count == 0 && movedLength == 0;
    }

    /** Bytes held, moved or in the ring. */
    long bytes() {
        return bytes;
    }

    /** A completion filled length bytes of buffer bid: they come after the rest. */
    void fill(int bid, int length) {
        if (count == bids.length) grow();
        int k = (first + count) % bids.length;
        bids[k] = bid;
        starts[k] = 0;
        lengths[k] = length;
        count++;
        bytes += length;
    }

    /** Up to max bytes from the front, left where they are: how many; they are at {@link #memory()}[{@link #at()}, ...). */
    int front(int max) {
        if (moved != null && movedLength == 0) giveBackMoved();  // read last time: its bytes are done with
        if (movedLength > 0) {
            memory = moved;
            at = movedAt;
            return Math.min(max, movedLength);
        }
        if (count == 0) return 0;
        memory = buffers.memory();
        at = buffers.offset(bids[first]) + starts[first];
        return Math.min(max, lengths[first]);
    }

    NativeBuffer memory() {
        return memory;
    }

    long at() {
        return at;
    }

    /**
     * n bytes from the front are read. Their memory stays readable until the next read (the caller
     * may still copy them from {@link #memory()}): a ring buffer emptied goes back to the kernel
     * after the next submit (until then a send may hold it too); the stream's own buffer, emptied,
     * goes back to its pool at the next read, or when the protocol stops reading.
     */
    void consume(long n) {
        bytes -= n;
        if (movedLength > 0) {
            int take = (int) Math.min(n, movedLength);
            movedAt += take;
            movedLength -= take;
            n -= take;
        }
        while (n > 0 && count > 0) {
            int take = (int) Math.min(n, lengths[first]);
            starts[first] += take;
            lengths[first] -= take;
            n -= take;
            if (lengths[first] == 0) releaseFirst();
        }
    }

    /**
     * The protocol stops reading: the ring buffers' bytes are copied into the stream's own buffer and
     * go back (all of them: a stream holds at most that buffer's size, {@link RingIo#armRecv}).
     */
    void moveOut() {
        if (count == 0) {
            if (moved != null && movedLength == 0) giveBackMoved();  // nothing held: none of the pool's memory either
            return;
        }
        if (moved == null) {
            moved = spill.take();
            movedAt = movedLength = 0;
        } else if (movedAt > 0) {
            moved.move(movedAt, 0, movedLength);
            movedAt = 0;
        }
        while (count > 0 && movedLength + lengths[first] <= moved.size()) {
            int n = lengths[first];
            buffers.memory().copyTo(buffers.offset(bids[first]) + starts[first], moved, movedLength, n);
            movedLength += n;
            releaseFirst();
        }
    }

    /** The first ring buffer held goes back to the kernel with the next submit. */
    private void releaseFirst() {
        buffers.releaseAfterSubmit(bids[first]);
        first = (first + 1) % bids.length;
        count--;
    }

    private void giveBackMoved() {
        spill.give(moved);
        moved = null;
        movedAt = movedLength = 0;
    }

    /** Everything held goes back (the connection is closing). */
    void clear() {
        while (count > 0) releaseFirst();
        if (moved != null) giveBackMoved();
        bytes = 0;
    }

    private void grow() {
        int size = Math.max(4, count * 2);
        int[] b = new int[size], s = new int[size], l = new int[size];
        for (int i = 0; i < count; i++) {
            int k = (first + i) % bids.length;
            b[i] = bids[k];
            s[i] = starts[k];
            l[i] = lengths[k];
        }
        bids = b;
        starts = s;
        lengths = l;
        first = 0;
    }
}
