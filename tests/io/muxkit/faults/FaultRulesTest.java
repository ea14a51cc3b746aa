package io.muxkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;

/** A MUXKIT_FAULTS with an empty rule (",,", a leading or trailing comma) is refused like any malformed rule, never taken as no faults. */
class FaultRulesTest {
    private static final String[] EMPTY_RULES = { ",,", ",", "read:EINTR:0.1,", ",read:EINTR:0.1", "read:EINTR:0.1,,write:EIO:0.1" };

    /** The shim parses the rules once, as it loads, before any backend opens: each spec once, the backends taking turns. */
    @Test
    void anEmptyRuleIsRefused() throws Exception {
        for (int i = 0; i < EMPTY_RULES.length; i++) {
            String spec = EMPTY_RULES[i];
            Backend backend = Backend.values()[i % Backend.values().length];
            ChildJvm.Result r = ChildJvm.run(Map.of("MUXKIT_FAULTS", spec), null,
                    "io.muxkit.cli.Main", "echo", "--backend", backend.id(), "--help");  // (exits at once when the rules are taken)
            assertEquals(2, r.exit(), "MUXKIT_FAULTS='" + spec + "' on " + backend + ": " + r.output());
            assertTrue(r.output().contains("MUXKIT_FAULTS: an empty rule"), "MUXKIT_FAULTS='" + spec + "': " + r.output());
        }
    }

    /** An empty field inside a rule, or a rule too long to read whole, is refused too (not read as another rule). */
    @Test
    void anEmptyFieldOrAnOverlongRuleIsRefused() throws Exception {
        String longRule = "read:EIO:0." + "1".repeat(200);
        String[][] cases = { { "read::EIO:0.1", "is not call:ERRNO:probability" }, { ":EIO:0.1", "is not call:ERRNO:probability" },
                { longRule, "is longer than 127 characters" } };
        for (String[] c : cases) {
            ChildJvm.Result r = ChildJvm.run(Map.of("MUXKIT_FAULTS", c[0]), null, "io.muxkit.cli.Main", "backends");
            assertEquals(2, r.exit(), "MUXKIT_FAULTS='" + c[0] + "': " + r.output());
            assertTrue(r.output().contains(c[1]), "MUXKIT_FAULTS='" + c[0] + "': " + r.output());
        }
    }
}
