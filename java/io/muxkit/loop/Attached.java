package io.muxkit.loop;

import java.util.Arrays;

/**
 * A completion loop's attached fds, by tag: who owns each tag's requests (its Completion), the fd
 * and its registration; the tags given back, reused only once their owner saw its last completion;
 * and the tags raised for a dispatch after the next wait. Arrays indexed by tag: nothing is
 * allocated per completion.
 */
final class Attached {
    private EventLoop.Completion[] owners = new EventLoop.Completion[64];
    private int[] fds = new int[64];
    private EventLoop.Registration[] registrations = new EventLoop.Registration[64];
    private boolean[] isRaised = new boolean[64];
    private int[] free = new int[64];
    private int freeCount, next;  // tags given out so far: next; of them given back: freeCount
    private int[] raised = new int[64], running = new int[64];
    private int raisedCount;

    /** A tag for fd's requests, owned by owner; handler (as role) gets the ops owner returns. */
    EventLoop.Registration attach(int fd, EventLoop.Completion owner, Handler handler, String role) {
        int tag = freeCount > 0 ? free[--freeCount] : next++;
        if (tag >= owners.length) {
            int size = owners.length * 2;
            owners = Arrays.copyOf(owners, size);
            fds = Arrays.copyOf(fds, size);
            registrations = Arrays.copyOf(registrations, size);
            isRaised = Arrays.copyOf(isRaised, size);
        }
        owners[tag] = owner;
        fds[tag] = fd;
        EventLoop.Registration registration = new EventLoop.Registration(handler, role, tag);
        registrations[tag] = registration;
        return registration;
    }

    /** Reused from now on: the owner has no request in flight. A second detach does nothing. */
    void detach(int tag) {
        if (owners[tag] == null) return;
        owners[tag] = null;
        registrations[tag] = null;
        if (freeCount == free.length) free = Arrays.copyOf(free, freeCount * 2);
        free[freeCount++] = tag;
    }

    /** The owner of tag, or null (a tag never given, or given back). */
    EventLoop.Completion owner(int tag) {
        return tag < owners.length ? owners[tag] : null;
    }

    int fd(int tag) {
        return fds[tag];
    }

    /** The registration tag was attached with, or null once detached. */
    EventLoop.Registration registration(int tag) {
        return registrations[tag];
    }

    /** Tags attached and not yet detached. */
    int count() {
        return next - freeCount;
    }

    /** Asks for a dispatch of tag after the next wait; once until then. */
    void raise(int tag) {
        if (isRaised[tag]) return;
        isRaised[tag] = true;
        if (raisedCount == raised.length) raised = Arrays.copyOf(raised, raisedCount * 2);
        raised[raisedCount++] = tag;
    }

    boolean anyRaised() {
        return raisedCount > 0;
    }

    /**
     * The tags raised so far, to dispatch now (read with {@link #raisedTag}): each may be raised
     * again meanwhile, and then waits for the next turn. How many.
     */
    int takeRaised() {
        int[] now = raised;
        int n = raisedCount;
        raised = running;
        running = now;
        raisedCount = 0;
        for (int i = 0; i < n; i++) isRaised[now[i]] = false;
        return n;
    }

    int raisedTag(int i) {
        return running[i];
    }
}
