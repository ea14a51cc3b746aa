package io.muxkit.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Native memory by address through java.lang.foreign: every access is a get or set on one segment
 * that spans the whole address space, so an address needs no segment object of its own (bounds
 * are NativeBuffer's to check). Memory comes from libc's calloc and goes back with free, at once,
 * when its owner says so, as on jnr-ffi.
 */
final class FfmMemory implements MemoryAccess {
    /** All of memory: an address is an offset in it. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CALLOC = libc("calloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = libc("free", FunctionDescriptor.ofVoid(JAVA_LONG));

    /**
     * A libc function as the shim sees it (its lookup searches its dependencies: under ASan, libasan's
     * interposed calloc and free come first, so the sanitizer tracks this memory as it does jnr's
     * malloc); pointers passed as longs; critical: calloc and free neither block nor call back.
     */
    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(FfmBinding.shim.find(name).orElseThrow(), descriptor, Linker.Option.critical(false));
    }

    /** A NUL-terminated UTF-8 string at address, or null for address 0. */
    static String string(long address) {
        return address == 0 ? null : ALL.getString(address);
    }

    @Override
    public long allocateZeroed(long bytes) {
        try {
            return (long) CALLOC.invokeExact(1L, bytes);
        } catch (Throwable e) {
            throw FfmLibMuxkit.unexpected(e);
        }
    }

    @Override
    public void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable e) {
            throw FfmLibMuxkit.unexpected(e);
        }
    }

    @Override public byte getByte(long address) { return ALL.get(JAVA_BYTE, address); }
    @Override public void putByte(long address, byte value) { ALL.set(JAVA_BYTE, address, value); }
    @Override public short getShort(long address) { return ALL.get(JAVA_SHORT_UNALIGNED, address); }
    @Override public void putShort(long address, short value) { ALL.set(JAVA_SHORT_UNALIGNED, address, value); }
    @Override public int getInt(long address) { return ALL.get(JAVA_INT_UNALIGNED, address); }
    @Override public void putInt(long address, int value) { ALL.set(JAVA_INT_UNALIGNED, address, value); }
    @Override public long getLong(long address) { return ALL.get(JAVA_LONG_UNALIGNED, address); }
    @Override public void putLong(long address, long value) { ALL.set(JAVA_LONG_UNALIGNED, address, value); }

    @Override
    public void copyToArray(long address, byte[] dst, int off, int len) {
        MemorySegment.copy(ALL, JAVA_BYTE, address, dst, off, len);
    }

    @Override
    public void copyFromArray(byte[] src, int off, int len, long address) {
        MemorySegment.copy(src, off, ALL, JAVA_BYTE, address, len);
    }

    /** MemorySegment.copy copies overlapping ranges as if through a temporary copy: memmove. */
    @Override
    public void memmove(long dst, long src, long len) {
        MemorySegment.copy(ALL, src, ALL, dst, len);
    }
}
