package io.muxkit.testing;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/** Commands a test runs to their end (mkfifo, touch, sh). */
public final class Commands {
    private Commands() {}

    /**
     * Runs command and waits: its exit status. It gets no pipe to this process (its input is
     * /dev/null, its output discarded): a Process's pipes are closed by the JDK's reaper thread,
     * some time after waitFor returns, and a test's fd check could still find them open.
     */
    public static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start().waitFor();
    }
}
