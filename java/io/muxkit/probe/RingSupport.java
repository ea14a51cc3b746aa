package io.muxkit.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.muxkit.ffi.Native;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;
import io.muxkit.ring.Ring;
import io.muxkit.ring.RingFeatures;
import io.muxkit.ring.RingSetup;

/**
 * What this kernel's io_uring gives the completion path ({@code --io completion}), found by trying
 * each thing on a loopback socket, as the backends are found by opening them: a completion ring
 * with its provided buffer ring, a multishot accept, a multishot recv ended after a byte count;
 * then the setup flags the kernel took and its features. Takes a few milliseconds.
 *
 * @param unavailable why the completion path does not work here, or null when it does
 */
public record RingSupport(String unavailable, boolean multishotAccept, boolean multishotRecv, boolean recvLimit,
                          RingFeatures features) {
    private static final long WAIT_NANOS = 1_000_000_000L;

    public static RingSupport probe() {
        Ring ring;
        try {
            ring = Multiplexer.openRing(new RingSetup(8, 64, 8, 256), null);
        } catch (IOException | RuntimeException e) {
            return new RingSupport(e.getMessage(), false, false, false, null);
        }
        int listener = -1, client = -1, accepted = -1;
        try {
            listener = Sockets.listen("127.0.0.1", 0, false, 8);
            ring.acceptMultishot(listener, Ring.userData(Ring.ACCEPT, 0, listener));
            client = Sockets.connect("127.0.0.1", Sockets.localPort(listener));
            long accept = next(ring, Ring.ACCEPT);
            accepted = (int) accept;
            boolean multishotAccept = accepted >= 0 && (accept >>> 32 & Ring.MORE) != 0;
            if (accepted < 0) return new RingSupport("multishot accept failed: " + Native.errnoName(-accepted), false, false, false, ring.features());
            Fds.write(client, new byte[] { 1 }, 0, 1);
            ring.recvMultishot(accepted, Ring.userData(Ring.RECV, 0, accepted), 1024);
            long recv = next(ring, Ring.RECV);
            boolean limit = (int) recv != -Native.EINVAL;
            if (!limit) {  // a kernel before 6.16: again without the limit
                ring.recvMultishot(accepted, Ring.userData(Ring.RECV, 1, accepted), 0);
                recv = next(ring, Ring.RECV);
            }
            boolean multishotRecv = (int) recv == 1 && (recv >>> 32 & (Ring.MORE | Ring.BUFFER)) == (Ring.MORE | Ring.BUFFER);
            String why = multishotRecv ? null : "multishot recv into a provided buffer failed: " + ((int) recv < 0 ? Native.errnoName(-(int) recv) : "res " + (int) recv);
            return new RingSupport(why, multishotAccept, multishotRecv, limit && multishotRecv, ring.features());
        } catch (IOException e) {
            return new RingSupport(e.getMessage(), false, false, false, ring.features());
        } finally {
            ring.close();  // cancels what is still armed, first
            Fds.closeQuietly(accepted, client, listener);
        }
    }

    /** The result (low half) and flags (high half) of the next completion of that kind, or -ETIME after a second. */
    private static long next(Ring ring, int kind) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            int n = ring.submitAndWait(left);
            for (int i = 0; i < n; i++) {
                if (Ring.kind(ring.userData(i)) != kind) continue;
                if ((ring.flags(i) & Ring.BUFFER) != 0) ring.buffers().taken(Ring.bufferId(ring.flags(i)));
                return ((long) ring.flags(i) << 32) | (ring.result(i) & 0xffffffffL);
            }
        }
        return -Native.ETIME & 0xffffffffL;
    }

    /** One line: available with what the kernel gives, or why not. */
    public String describe() {
        if (unavailable != null) return "unavailable (" + unavailable + ")";
        List<String> what = new ArrayList<>();
        what.add(multishotAccept ? "multishot accept" : "accept (not multishot)");
        what.add("multishot recv into a provided buffer ring" + (recvLimit ? " with a byte limit" : " (no byte limit: a kernel before 6.16)"));
        what.add(features.flags());
        what.add("bundles " + (features.bundles() ? "yes (unused)" : "no"));
        return "available: " + String.join(", ", what);
    }
}
