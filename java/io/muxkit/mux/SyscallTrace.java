package io.muxkit.mux;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import io.muxkit.output.RateLimiter;

/**
 * Where a multiplexer writes each syscall it makes, as strace writes it, in its backend's own
 * terms: {@code epoll_ctl(5<epoll>, EPOLL_CTL_ADD, 12<conn 127.0.0.1:51234>, {events=EPOLLIN|EPOLLRDHUP, data=12}) = 0}.
 * fds carry the role a caller gave them ({@link Multiplexer#describe}), as {@code strace -y} shows
 * paths. A terminal gets at most {@code linesPerSecond} lines a second, then one line saying how
 * many were left out; a file, when given, gets every line. Any thread (wakeup() writes from others).
 */
public final class SyscallTrace {
    private final PrintStream terminal;
    private PrintStream file;
    private final RateLimiter limiter;
    private final Map<Integer, String> roles = new HashMap<>();

    /** terminal may be null (only a file), file may be null (only the terminal, rate-limited). */
    public SyscallTrace(PrintStream terminal, int linesPerSecond, PrintStream file) {
        this.terminal = terminal;
        this.file = file;
        this.limiter = new RateLimiter(linesPerSecond);
    }

    public synchronized void line(String syscall) {
        String text = "[trace] " + syscall;
        if (file != null) {
            file.println(text);
            if (file.checkError()) {  // a full disk, /dev/full: said once, not lost in silence
                System.err.println("muxkit: --trace-file: a write failed (disk full, or not a file to write); the file trace stops here");
                file = null;
            }
        }
        if (terminal == null) return;
        long held = limiter.admit();
        if (held < 0) return;
        if (held > 0) terminal.println("[trace] ... " + held + " lines left out (more than " + limiter.perSecond() + "/s)");
        terminal.println(text);
    }

    /** "12", or "12<conn 127.0.0.1:51234>" when its role is known. */
    public synchronized String fd(int fd) {
        String role = roles.get(fd);
        return role == null ? String.valueOf(fd) : fd + "<" + role + ">";
    }

    /** Names fd's role from now on; null forgets it (its number may be reused for something else). */
    public synchronized void role(int fd, String role) {
        if (role == null) roles.remove(fd);
        else roles.put(fd, role);
    }
}
