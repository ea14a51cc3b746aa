package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.muxkit.process.ChildJvm;
import io.muxkit.testing.CliSequence;
import io.muxkit.testing.InProcessCli;

/** Every duration and size flag is checked before anything starts: out of range is exit 2 naming the flag, never an overflow. */
class FlagChecksTest {
    /** What depends on the process (its fd limit, its signals) in a JVM of its own, as a user runs it: one JVM for the three (CliSequence). */
    private static List<ChildJvm.Result> own;

    @BeforeAll
    static void inAJvmOfItsOwn() throws Exception {
        own = CliSequence.run(4096, List.of(), List.of(
                List.of("files", "--help"),
                List.of("fdtest", "--connections", "50000", "--", "true"),
                List.of("echo", "--host", "192.0.2.1", "--port", "0")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "echo --idle-timeout 1e10|--idle-timeout must be a number of seconds in [0, 604800], not 1.0E10",
            "echo --idle-timeout NaN|--idle-timeout must be a number of seconds",
            "echo --idle-timeout -1|--idle-timeout must be a number of seconds",
            "echo --loops 100000|--loops must be in [1, 256]",
            "echo --max-buffer 0|--max-buffer must be in [1, 1073741824]",
            "echo --lag-warn -1|--lag-warn must be in [0, 3600000]",
            "echo --timeline t.json --timeline-events 0|--timeline-events must be in [1, 100000000]",
            "echo --timeline t.json --timeline-events 100000000 --loops 256|--timeline-events 100000000 for 256 loops needs 1200962 MiB (the rings and a copy to write), more than half the JVM's heap",
            "echo --timeline /no/such/dir/t.json|--timeline: cannot write /no/such/dir/t.json: no such file or directory",
            "echo --timeline /proc/t.json|--timeline: cannot write /proc/t.json: ",  // a directory no one can create a file in, even root
            "echo --timeline .|--timeline: cannot write .: a directory",
            "files --root . --idle-timeout Infinity|--idle-timeout must be a number of seconds in (0, 604800]",
            "files --root . --idle-timeout 0|--idle-timeout must be a number of seconds in (0, 604800]",
            "files --root . --max-upload -1|--max-upload must be in [0, 1125899906842624]",
            "files --root . --index a/index.html|--index a/index.html: a list of file names",
            "files --root . --index index.html,,x|--index index.html,,x: a list of file names",
            "load --port 9 --depth 100000|--depth must be in [1, 1024]",
            "load --port 9 --duration 1e300|--duration must be a number of seconds in (0, 3600]",
            "scale --fds 2000000000|--fds must be in [1, 1000000]",
            "scale --iterations 0|--iterations must be in [1, 100000]",
            "demo --seconds 0|--seconds must be a number of seconds in (0, 60]",
            "soak --minutes 1 --faults garbage|--faults: MUXKIT_FAULTS: 'garbage' is not call:ERRNO:probability",
            "soak --minutes -1|--minutes must be a number of minutes in (0, 10080], not -1.0",
            "echo --io completion --trace bogus|--trace: 'bogus' is neither syscalls nor calls",
            "probe --backend poll --limit 1|--limit 1: this JVM holds " })
    void outOfRangeIsAUsageError(String args, String message) {
        ChildJvm.Result r = InProcessCli.run(args.split(" "));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("muxkit: " + message), r.output());
    }

    /**
     * select-echo waits on a Multiplexer without an event loop: nothing for --timeline or --lag-warn
     * to measure, so its --help does not offer them and it refuses them as unknown, exit 2 (callback-echo,
     * the same server on the EventLoop, takes them).
     */
    @Test
    void selectEchoHasNoLoopFlags() {
        ChildJvm.Result r = InProcessCli.run("example", "select-echo", "--timeline", "t.json");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("Unknown options: '--timeline', 't.json'"), r.output());
        String help = InProcessCli.run("example", "select-echo", "--help").output();
        for (String flag : List.of("--timeline", "--lag-warn"))
            assertTrue(!help.contains(flag), flag + " in " + help);
        String callback = InProcessCli.run("example", "callback-echo", "--help").output();
        for (String flag : List.of("--timeline", "--timeline-events", "--lag-warn"))
            assertTrue(callback.contains(flag), flag + " not in " + callback);
    }

    /** The hint names the subcommand as it is typed, its parents included. */
    @Test
    void theHelpHintNamesTheWholeCommand() {
        ChildJvm.Result r = InProcessCli.run("example", "select-echo", "--port", "99999");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("Try 'muxkit example select-echo --help'."), r.output());
    }

    /** fdtest's bound is what its own process's fd limit holds: in a JVM of its own, as a user runs it. */
    @Test
    void tooManyFdtestConnectionsIsAUsageError() throws Exception {
        ChildJvm.Result r = own.get(1);
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("muxkit: --connections must be in [1, "), r.output());
    }

    /** What the kernel refuses at start (a bind to an address this host does not have) is said in one line, exit 1, no stack trace. */
    @Test
    void aRefusedBindIsOneLineNotAStackTrace() throws Exception {
        ChildJvm.Result r = own.get(2);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("muxkit echo: bind(192.0.2.1:0") && r.output().contains("EADDRNOTAVAIL"), r.output());
        assertTrue(!r.output().contains("\tat "), "no stack trace: " + r.output());
    }

    @Test
    void theDefaultMaxConnComesFromTheFdLimitAndHelpSaysSo() throws Exception {
        ChildJvm.Result r = own.get(0);  // under a soft limit of 4096
        assertEquals(0, r.exit(), r.output());
        String help = r.output().replaceAll("\\s+", " ");
        assertTrue(help.contains("4032 for echo and 1002 for files here"), help);  // (4096 - 64) / 1, and (4096 - 64 - 1024 for the cache) / 3
        assertTrue(help.contains("a quarter of the soft fd limit: 1024 here"), help);
    }
}
