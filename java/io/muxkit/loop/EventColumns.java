package io.muxkit.loop;

/**
 * Timeline events stored by column, one slot an event: what a loop's {@link TimelineRing} fills in
 * place and what {@link Timeline} copies out of it to write. What x, y, fd, a, b and label hold
 * depends on the kind (see TimelineRing's recording methods).
 */
abstract class EventColumns {
    final long[] start, end, x, y;
    final byte[] kind;
    final int[] fd, a, b;
    final Object[] label;

    EventColumns(int size) {
        start = new long[size];
        end = new long[size];
        x = new long[size];
        y = new long[size];
        kind = new byte[size];
        fd = new int[size];
        a = new int[size];
        b = new int[size];
        label = new Object[size];
    }

    /** Copies slot i's event into slot j of to. */
    final void copy(int i, EventColumns to, int j) {
        to.start[j] = start[i];
        to.end[j] = end[i];
        to.x[j] = x[i];
        to.y[j] = y[i];
        to.kind[j] = kind[i];
        to.fd[j] = fd[i];
        to.a[j] = a[i];
        to.b[j] = b[i];
        to.label[j] = label[i];
    }
}
