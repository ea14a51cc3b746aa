package io.muxkit.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.muxkit.cli.Main;
import io.muxkit.process.ChildJvm;

/**
 * muxkit's command line run in this JVM: the CommandLine main runs, with its error handling, and the
 * exit status main would pass to System.exit. For what is refused before anything starts (a usage
 * error), where a JVM of its own would check the same at the cost of a JVM start; not for what
 * depends on the process (its fd limit, environment, signals).
 */
public final class InProcessCli {
    private InProcessCli() {}

    /** {@code muxkit args...}: the exit status and everything it printed (stdout and stderr). */
    public static ChildJvm.Result run(String... args) {
        StringWriter out = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int exit = cl.execute(args);
        return new ChildJvm.Result(exit, out.toString());
    }
}
