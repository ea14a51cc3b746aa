package io.muxkit.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.process.ProcFs;

/** What a server process holds, read from outside: fds, RSS, and its heap right after a full GC (jcmd). */
record ProcessStats(long fds, long rssKiB, long heapAfterGcKiB) {
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    static ProcessStats of(long pid) throws IOException, InterruptedException {
        long fds = ProcFs.openFds(pid);
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
        return new ProcessStats(fds, rss.find() ? Long.parseLong(rss.group(1)) : -1, heapAfterGc(pid));
    }

    /** jcmd PID GC.run, then the heap in use: -1 where the JDK has no jcmd. */
    private static long heapAfterGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) return -1;
        run(jcmd.toString(), String.valueOf(pid), "GC.run");
        Matcher used = USED.matcher(run(jcmd.toString(), String.valueOf(pid), "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) : -1;  // the first "used" is the whole heap's
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
