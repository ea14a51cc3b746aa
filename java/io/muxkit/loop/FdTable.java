package io.muxkit.loop;

import java.util.Arrays;
import java.util.function.Consumer;

/** Per-fd state found by array index (fds are small dense ints): no boxing, no hashing. Grown by doubling. */
public final class FdTable<T> {
    private Object[] items = new Object[256];

    @SuppressWarnings("unchecked")
    public T get(int fd) {
        return fd >= 0 && fd < items.length ? (T) items[fd] : null;
    }

    public void put(int fd, T item) {
        if (fd >= items.length) items = Arrays.copyOf(items, Math.max(fd + 1, items.length * 2));
        items[fd] = item;
    }

    public void remove(int fd) {
        if (fd >= 0 && fd < items.length) items[fd] = null;
    }

    /** Calls action on every entry; the action may remove entries, its own included. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<T> action) {
        Object[] snapshot = items;
        for (Object item : snapshot) if (item != null) action.accept((T) item);
    }
}
