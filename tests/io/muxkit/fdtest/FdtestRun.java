package io.muxkit.fdtest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.muxkit.output.Json;
import io.muxkit.process.ChildJvm;

/** fdtest run in the test's JVM (a JVM start less than the CLI: the tests stay quick), and the servers it is run against. */
final class FdtestRun {
    static final Path SERVERS = Path.of("tests/fdtest-servers");

    private FdtestRun() {}

    /** Runs fdtest on command and checks its verdict; the report as JSON, as --json prints it. */
    static JsonNode expect(String verdict, int nofile, int connections, double seconds, Protocol protocol, List<String> command)
            throws Exception {
        return expectOneOf(List.of(verdict), nofile, connections, seconds, protocol, command);
    }

    /** {@link #expect}, for a server whose verdict may be one of several (it spreads connections over processes it starts as it likes). */
    static JsonNode expectOneOf(List<String> verdicts, int nofile, int connections, double seconds, Protocol protocol,
                                List<String> command) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Report report = FdTest.run(new FdTest.Config(command, nofile, connections, seconds, protocol),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        String text = progress.toString(StandardCharsets.UTF_8) + report.table();
        assertTrue(verdicts.contains(report.verdict()), "expected one of " + verdicts + ", not " + report.verdict() + "\n" + text);
        return new ObjectMapper().readTree(Json.write(report.toJson()));
    }

    /** muxkit's CLI in a JVM of its own. */
    static List<String> muxkit(String... args) {
        List<String> javaArgs = new ArrayList<>(List.of("io.muxkit.cli.Main"));
        javaArgs.addAll(List.of(args));
        return ChildJvm.javaCommand(javaArgs);
    }

    /** Skips the test, naming the package to install, when the program does not run. */
    static void assumeInstalled(String debianPackage, String... versionCommand) {
        boolean runs;
        try {  // servers live in /usr/sbin, which a user's PATH may lack (the launch scripts add it too)
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", "PATH=\"$PATH:/usr/sbin\" exec \"$@\"", "sh"));
            cmd.addAll(List.of(versionCommand));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            runs = p.waitFor() == 0;
        } catch (Exception e) {
            runs = false;
        }
        assumeTrue(runs, versionCommand[0] + " is not installed: apt-get install " + debianPackage + " (.ci/run does when it can)");
    }
}
