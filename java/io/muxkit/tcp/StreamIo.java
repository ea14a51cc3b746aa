package io.muxkit.tcp;

import java.io.IOException;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;

/**
 * How one connection's bytes move: {@link SocketIo} makes the syscalls when the multiplexer says
 * the socket is ready; {@link RingIo} hands the kernel requests on the loop's io_uring and takes
 * their completions. {@link Connection} is the same stream over either; these are its two halves.
 */
abstract class StreamIo {
    /** The budgets of a turn start again. */
    abstract void newTurn();

    /** Up to max bytes at {@link #input}()[{@link #inputAt}(), ...): how many; 0 when nothing more is there this turn. */
    abstract int receive(int max, boolean peek) throws NativeIOException;

    /** Takes n bytes a peek showed, dropping them. */
    abstract void take(int n) throws NativeIOException;

    /** Reads and drops up to about max bytes: how many went. */
    abstract long discard(long max) throws NativeIOException;

    /**
     * Where the bytes of the last receive are: valid until the next receive on any of the loop's
     * connections (on readiness they share one read buffer).
     */
    abstract NativeBuffer input();

    abstract long inputAt();

    /** Sends src[offset, offset + n) now, nothing queued before it: how many bytes the kernel took (0: none now). */
    abstract int tryWrite(NativeBuffer src, long offset, int n) throws NativeIOException;

    /** Sends what is queued, as far as the socket and the turn allow; true when all of it is out. */
    abstract boolean flush() throws IOException;

    /** Bytes handed to the kernel and not yet sent (a send in flight), beside the queue. */
    abstract long inFlight();

    /** READ when read, WRITE while bytes wait or whenWritable: the one place interest is set. */
    abstract void interest(boolean read, boolean whenWritable) throws IOException;

    /** The connection is closing: what is held goes back, now or once the kernel is done with it. */
    abstract void close();
}
