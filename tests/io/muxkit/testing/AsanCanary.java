package io.muxkit.testing;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;

/**
 * The negative control of AsanShimTest: reads 64 bytes into a 16-byte native buffer through the
 * shim. Under the ASan build this must be reported (heap-buffer-overflow in read, called from
 * mk_read); if it is not, the sanitizer is not watching and a clean run would prove nothing.
 */
public final class AsanCanary {
    public static void main(String[] args) throws Exception {
        int[] p = Fds.pipe();
        Fds.write(p[1], new byte[64], 0, 64);
        NativeBuffer small = NativeMemory.allocate(16);
        long n = Native.syscalls().mk_read(p[0], small.address(), 64);  // 48 bytes past the end
        System.out.println("read " + n + " bytes into 16: the overflow went unnoticed");
    }
}
