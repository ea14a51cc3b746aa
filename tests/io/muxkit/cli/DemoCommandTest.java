package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.Test;

/** `muxkit demo`, shortened: every backend serves, and select alone refuses what passes FD_SETSIZE. */
class DemoCommandTest {
    @Test
    void selectAloneRefusesTheConnectionsPastFdSetSize() throws Exception {
        // a second a run: the load client opens its 1100 connections within it on a busy machine too
        ChildJvm.Result r = ChildJvm.run(null, "io.muxkit.cli.Main", "demo", "--seconds", "1");
        assertEquals(0, r.exit(), r.output());
        String out = r.output();
        for (String backend : new String[] { "select", "poll", "epoll" })
            assertTrue(out.matches("(?s).*\\n" + backend + " +100 +\\d+ +\\d+ +0 .*"), out);
        assertTrue(out.matches("(?s).*\\nselect +1100 +\\d+ +\\d+ +\\d{2,3}  select cannot watch fd 1024.*"), out);
        assertTrue(out.matches("(?s).*\\npoll +1100 +\\d+ +\\d+ +0 .*"), out);
        assertTrue(out.matches("(?s).*\\nepoll +1100 +\\d+ +\\d+ +0 .*"), out);
        assertTrue(out.matches("(?s).*\\nuring completion +100 +\\d+ +\\d+ +0 .*"), out);  // --io completion
        assertTrue(out.matches("(?s).*\\nuring completion +1100 +\\d+ +\\d+ +0 .*"), out);
    }
}
