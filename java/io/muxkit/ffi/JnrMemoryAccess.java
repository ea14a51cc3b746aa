package io.muxkit.ffi;

import com.kenai.jffi.MemoryIO;

/** {@link MemoryAccess} through jffi's MemoryIO: malloc, free, and sun.misc.Unsafe's reads and writes. */
final class JnrMemoryAccess implements MemoryAccess {
    private static final MemoryIO IO = MemoryIO.getInstance();

    @Override public long allocateZeroed(long bytes) { return IO.allocateMemory(bytes, true); }
    @Override public void free(long address) { IO.freeMemory(address); }

    @Override public byte getByte(long address) { return IO.getByte(address); }
    @Override public void putByte(long address, byte value) { IO.putByte(address, value); }
    @Override public short getShort(long address) { return IO.getShort(address); }
    @Override public void putShort(long address, short value) { IO.putShort(address, value); }
    @Override public int getInt(long address) { return IO.getInt(address); }
    @Override public void putInt(long address, int value) { IO.putInt(address, value); }
    @Override public long getLong(long address) { return IO.getLong(address); }
    @Override public void putLong(long address, long value) { IO.putLong(address, value); }

    @Override public void copyToArray(long address, byte[] dst, int off, int len) { IO.getByteArray(address, dst, off, len); }
    @Override public void copyFromArray(byte[] src, int off, int len, long address) { IO.putByteArray(address, src, off, len); }
    @Override public void memmove(long dst, long src, long len) { IO.memmove(dst, src, len); }
}
