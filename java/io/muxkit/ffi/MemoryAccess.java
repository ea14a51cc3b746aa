package io.muxkit.ffi;

/**
 * Native memory by address, as a {@link Binding} reaches it: what {@link NativeBuffer} and
 * {@link NativeMemory} are built on. One implementation is loaded per process (the chosen
 * binding's), so every call through this interface stays monomorphic and inlines. No bounds are
 * checked here: NativeBuffer checks them. Multi-byte values are in the platform's byte order and
 * may be unaligned (struct epoll_event is packed).
 */
interface MemoryAccess {
    /** malloc'ed, zeroed memory: its address, or 0 when the allocation fails. */
    long allocateZeroed(long bytes);

    /** Gives back memory from {@link #allocateZeroed}. */
    void free(long address);

    byte getByte(long address);
    void putByte(long address, byte value);
    short getShort(long address);
    void putShort(long address, short value);
    int getInt(long address);
    void putInt(long address, int value);
    long getLong(long address);
    void putLong(long address, long value);

    /** Copies len bytes at address into dst[off, off + len). */
    void copyToArray(long address, byte[] dst, int off, int len);

    /** Copies src[off, off + len) to address. */
    void copyFromArray(byte[] src, int off, int len, long address);

    /** memmove: copies len bytes from src to dst; the ranges may overlap. */
    void memmove(long dst, long src, long len);
}
