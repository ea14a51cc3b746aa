package io.muxkit.mux;

/** How the select backend sizes its fd_set bitmaps. */
public enum FdSetMode {
    /** FD_SETSIZE bits, as libc's fd_set: an fd >= FD_SETSIZE is refused. */
    STRICT,
    /** Bitmaps grown to the highest fd, as libevent's select backend does: shows that FD_SETSIZE is a libc constant, not a kernel limit. */
    DYNAMIC;

    public static FdSetMode parse(String name) {
        for (FdSetMode mode : values())
            if (mode.name().equalsIgnoreCase(name.trim())) return mode;
        throw new IllegalArgumentException("unknown fd_set mode '" + name + "': choose strict or dynamic");
    }
}
