package io.muxkit.ffi;

import java.util.Objects;

/**
 * A block of native memory from {@link NativeMemory#allocate}: its address and size, and reads and
 * writes at a byte offset, each checked against the size (an IndexOutOfBoundsException, never a
 * write past the end). Values are in the platform's byte order and need no alignment. The type the
 * code above io.muxkit.ffi holds, whichever {@link Binding} runs underneath; a call into the shim
 * takes {@link #address()} (plus an offset).
 */
public final class NativeBuffer {
    private static final MemoryAccess MEMORY = Native.memory();

    private final long address;
    private final long size;

    NativeBuffer(long address, long size) {
        this.address = address;
        this.size = size;
    }

    /**
     * Memory this code does not own, handed over by address: a syscall trace reads the arrays a
     * multiplexer passes the shim through this. Checked against size like any buffer; never freed.
     */
    public static NativeBuffer view(long address, long size) {
        if (address == 0 || size < 0) throw new IllegalArgumentException("no memory at 0x" + Long.toHexString(address) + ", " + size + " bytes");
        return new NativeBuffer(address, size);
    }

    public long address() { return address; }

    /**
     * The address of [offset, offset + len), for a call that hands C a range of this buffer (a
     * read's destination, a write's source): checked like every access here, so a count that comes
     * from elsewhere (a peer, a file's size) never lets C write or read past the end.
     */
    public long address(long offset, long len) { return at(offset, len); }
    public long size() { return size; }

    public byte getByte(long offset) { return MEMORY.getByte(at(offset, 1)); }
    public void putByte(long offset, byte value) { MEMORY.putByte(at(offset, 1), value); }
    public short getShort(long offset) { return MEMORY.getShort(at(offset, 2)); }
    public void putShort(long offset, short value) { MEMORY.putShort(at(offset, 2), value); }
    public int getInt(long offset) { return MEMORY.getInt(at(offset, 4)); }
    public void putInt(long offset, int value) { MEMORY.putInt(at(offset, 4), value); }
    public long getLong(long offset) { return MEMORY.getLong(at(offset, 8)); }
    public void putLong(long offset, long value) { MEMORY.putLong(at(offset, 8), value); }

    /** Copies len bytes at offset into dst[off, off + len). */
    public void get(long offset, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        MEMORY.copyToArray(at(offset, len), dst, off, len);
    }

    /** Copies src[off, off + len) to offset. */
    public void put(long offset, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        MEMORY.copyFromArray(src, off, len, at(offset, len));
    }

    /** Copies len bytes at offset to dst at dstOffset; dst may be this buffer, the ranges may overlap. */
    public void copyTo(long offset, NativeBuffer dst, long dstOffset, long len) {
        MEMORY.memmove(dst.at(dstOffset, len), at(offset, len), len);
    }

    /** Copies len bytes within this buffer, from srcOffset to dstOffset (memmove: the ranges may overlap). */
    public void move(long srcOffset, long dstOffset, long len) {
        copyTo(srcOffset, this, dstOffset, len);
    }

    /** The address of [offset, offset + len), which must lie inside this buffer. */
    private long at(long offset, long len) {
        return address + Objects.checkFromIndexSize(offset, len, size);
    }

    @Override
    public String toString() {
        return "NativeBuffer[0x" + Long.toHexString(address) + ", " + size + " bytes]";
    }
}
