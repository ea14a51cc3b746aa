package io.muxkit.ring;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;

/**
 * Provided buffers (IORING_REGISTER_PBUF_RING): count buffers of size bytes in one native block,
 * allocated once, which the kernel fills as multishot recvs complete. A buffer a completion
 * brought is the caller's until it is given back; it may be held more than once (a send straight
 * from it), and goes back to the kernel, with the next submit, when the last hold is released.
 * Memory stays shared by every connection of the ring: an idle connection holds none.
 *
 * <p>The bytes of a buffer stay readable until the ring's next wait: {@link #releaseAfterSubmit}
 * lets a reader give a buffer back and still copy from it, or hold it, in the same turn.
 */
public final class BufferRing {
    private static final int PAGE = 4096;

    private final Ring ring;
    private final int count, size, group;
    private final NativeBuffer memory, entries;
    private final int[] holds;
    private final Integer[] tokens;  // a buffer id, boxed once: what a write queue's owner is told
    private int[] later = new int[64];
    private int laterCount, available;
    private Refilled refilled;

    /** Told whenever a buffer goes back to the kernel, with how many it has now. */
    public interface Refilled {
        void refilled(int available);
    }

    BufferRing(Ring ring, int count, int size, int group) throws NativeIOException {
        if (Integer.bitCount(count) != 1 || count > 32768) throw new IllegalArgumentException("buffers: a power of two up to 32768, not " + count);
        if (size < 1 || size > (1 << 20)) throw new IllegalArgumentException("buffer size: 1 byte to 1 MiB, not " + size);
        this.ring = ring;
        this.count = count;
        this.size = size;
        this.group = group;
        this.holds = new int[count];
        this.tokens = new Integer[count];
        for (int i = 0; i < count; i++) tokens[i] = i;
        memory = NativeMemory.allocate((long) count * size);
        entries = NativeMemory.allocate((long) count * Native.IO_URING_BUF_SIZE + PAGE);  // the kernel wants it page-aligned
        long aligned = (entries.address() + PAGE - 1) & -PAGE;
        int rc = ring.syscalls().mk_uring_buffers(ring.address(), aligned, count, group, memory.address(), size);
        if (rc < 0) {
            free();
            throw new NativeIOException("io_uring_register(IORING_REGISTER_PBUF_RING)", -1, -rc);
        }
        available = count;
    }

    /** The block every buffer lives in: buffer bid at {@link #offset}. */
    public NativeBuffer memory() {
        return memory;
    }

    public long offset(int bid) {
        return (long) bid * size;
    }

    public int count() {
        return count;
    }

    public int size() {
        return size;
    }

    int group() {
        return group;
    }

    /** Buffers the kernel may fill now. */
    public int available() {
        return available;
    }

    /** A completion brought buffer bid: it is the caller's, held once, until released. */
    public void taken(int bid) {
        if (holds[bid] != 0) throw new IllegalStateException("buffer " + bid + " came in a completion while still held");
        holds[bid] = 1;
        available--;
    }

    /** One more hold on bid (a send from it). */
    public void hold(int bid) {
        holds[bid]++;
    }

    /** Releases one hold; the last gives the buffer back to the kernel with the next submit. */
    public void release(int bid) {
        if (holds[bid] <= 0) throw new IllegalStateException("buffer " + bid + " released more often than held");
        if (--holds[bid] > 0) return;
        ring.giveBack(bid);
        available++;
        if (refilled != null) refilled.refilled(available);
    }

    /** Who hears that buffers came back (recvs that ran out wait for them): one listener. */
    public void whenRefilled(Refilled listener) {
        this.refilled = listener;
    }

    /** {@link #release}, just before the next submit: the bytes stay readable until then. */
    public void releaseAfterSubmit(int bid) {
        if (laterCount == later.length) later = java.util.Arrays.copyOf(later, laterCount * 2);
        later[laterCount++] = bid;
    }

    /** bid as an object, made once: the token a write queue's owner is given back. */
    public Integer token(int bid) {
        return tokens[bid];
    }

    void beforeSubmit() {
        for (int i = 0; i < laterCount; i++) release(later[i]);
        laterCount = 0;
    }

    void free() {
        NativeMemory.free(memory);
        NativeMemory.free(entries);
    }
}
