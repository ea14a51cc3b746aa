package io.muxkit.mux;

import java.util.Locale;

/** How the select backend sizes its fd_set bitmaps. */
public enum FdSetMode {
    /** FD_SETSIZE bits, as libc's fd_set: an fd >= FD_SETSIZE is refused. */
    STRICT,
    /** Bitmaps grown to the highest fd, as libevent's select backend does: shows that FD_SETSIZE is a libc constant, not a kernel limit. */
    DYNAMIC;

    /** The name on the command line: strict or dynamic (Locale.ROOT: a Turkish default locale would write "strıct"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FdSetMode parse(String name) {
        for (FdSetMode mode : values())
            if (mode.id().equals(name.trim().toLowerCase(Locale.ROOT))) return mode;
        throw new IllegalArgumentException("unknown fd_set mode '" + name + "': choose strict or dynamic");
    }
}
