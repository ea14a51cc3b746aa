package io.muxkit.output;

import java.awt.Color;

/** One colour per backend in every chart: select blue, poll red, epoll green, uring purple (the C reference "c-X" as X). */
public final class BackendColors {
    private BackendColors() {}

    public static Color of(String backend) {
        String b = backend.replace("c-", "");
        return b.startsWith("select") ? new Color(0x1f77b4)
                : b.equals("poll") ? new Color(0xd62728)
                : b.equals("uring") ? new Color(0x9467bd) : new Color(0x2ca02c);
    }
}
