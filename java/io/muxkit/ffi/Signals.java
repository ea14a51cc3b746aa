package io.muxkit.ffi;

/** kill(2), through the binding. */
public final class Signals {

    private Signals() {}

    /** Sends signal to pid (a negative pid: to that process group); 0, or -errno (ESRCH: no such process). */
    public static int kill(int pid, int signal) {
        return Bindings.Current.BINDING.kill(pid, signal);
    }
}
