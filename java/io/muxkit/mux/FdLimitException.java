package io.muxkit.mux;

import java.io.IOException;

/** The backend cannot watch this fd number (select: fd >= FD_SETSIZE). Nothing was registered. */
public class FdLimitException extends IOException {
    private final int fd;
    private final int limit;

    public FdLimitException(int fd, int limit, String message) {
        super(message);
        this.fd = fd;
        this.limit = limit;
    }

    public int fd() { return fd; }
    public int limit() { return limit; }
}
