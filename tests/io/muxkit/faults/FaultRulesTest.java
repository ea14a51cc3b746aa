package io.muxkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;

/**
 * A MUXKIT_FAULTS with an empty rule (",,", a leading or trailing comma) is refused like any malformed rule, never taken as no faults.
 * The shim reads the rules once, as it loads: each spec needs a JVM of its own, so the time here is JVM starts
 * (about a second each); they run side by side, not one after another.
 */
class FaultRulesTest {
    private static final String[] EMPTY_RULES = { ",,", ",", "read:EINTR:0.1,", ",read:EINTR:0.1", "read:EINTR:0.1,,write:EIO:0.1" };

    /** The shim parses the rules once, as it loads, before any backend opens: each spec once, the backends taking turns. */
    @Test
    void anEmptyRuleIsRefused() throws Exception {
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < EMPTY_RULES.length; i++) {
                Backend backend = Backend.values()[i % Backend.values().length];
                children.add(ChildJvm.start(Map.of("MUXKIT_FAULTS", EMPTY_RULES[i]), null,  // (exits at once when the rules are taken)
                        List.of("io.muxkit.cli.Main", "echo", "--backend", backend.id(), "--help")));
            }
            for (int i = 0; i < EMPTY_RULES.length; i++) {
                String what = "MUXKIT_FAULTS='" + EMPTY_RULES[i] + "' on " + Backend.values()[i % Backend.values().length] + ": ";
                String output = outputAtExit(children.get(i));
                assertEquals(2, children.get(i).process().exitValue(), what + output);
                assertTrue(output.contains("MUXKIT_FAULTS: an empty rule"), what + output);
            }
        } finally {
            for (ChildJvm child : children) child.close();
        }
    }

    /** An empty field inside a rule, or a rule too long to read whole, is refused too (not read as another rule). */
    @Test
    void anEmptyFieldOrAnOverlongRuleIsRefused() throws Exception {
        String longRule = "read:EIO:0." + "1".repeat(200);
        String[][] cases = { { "read::EIO:0.1", "is not call:ERRNO:probability" }, { ":EIO:0.1", "is not call:ERRNO:probability" },
                { longRule, "is longer than 127 characters" } };
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (String[] c : cases)
                children.add(ChildJvm.start(Map.of("MUXKIT_FAULTS", c[0]), null, List.of("io.muxkit.cli.Main", "backends")));
            for (int i = 0; i < cases.length; i++) {
                String output = outputAtExit(children.get(i));
                assertEquals(2, children.get(i).process().exitValue(), "MUXKIT_FAULTS='" + cases[i][0] + "': " + output);
                assertTrue(output.contains(cases[i][1]), "MUXKIT_FAULTS='" + cases[i][0] + "': " + output);
            }
        } finally {
            for (ChildJvm child : children) child.close();
        }
    }

    /** Everything the child printed, once it has exited (two minutes at most). */
    private static String outputAtExit(ChildJvm child) throws Exception {
        assertTrue(child.process().waitFor(120, TimeUnit.SECONDS), "the child JVM exited");
        return String.join("\n", child.lines());
    }
}
