package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM that denies sun.misc.Unsafe's memory methods (--sun-misc-unsafe-memory-access=deny, the
 * default JEP 471 announces): the ffm binding runs there without a warning, and jnr-ffi, which
 * cannot, says so and what to do instead of a bare UnsupportedOperationException. JDK 23+ only:
 * older JDKs do not know the flag.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BindingUnderDenyTest {
    private static ChildJvm.Result backendsUnderDeny(String binding) throws Exception {
        assumeTrue(Runtime.version().feature() >= 23, "--sun-misc-unsafe-memory-access exists from JDK 23");
        Map<String, String> env = new HashMap<>();
        env.put("MUXKIT_BINDING", null);  // it would win over -Dmuxkit.binding
        return ChildJvm.run(env, null, "--sun-misc-unsafe-memory-access=deny", "-Dmuxkit.binding=" + binding,
                "io.muxkit.cli.Main", "backends");
    }

    @Test
    void ffmRunsUnderDenyWithoutAWarning() throws Exception {
        ChildJvm.Result r = backendsUnderDeny("ffm");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("binding: ffm"), r.output());
        assertFalse(r.output().contains("WARNING"), r.output());
    }

    @Test
    void jnrUnderDenySaysWhatToDo() throws Exception {
        ChildJvm.Result r = backendsUnderDeny("jnr");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("jnr-ffi needs sun.misc.Unsafe"), r.output());
        assertTrue(r.output().contains("--sun-misc-unsafe-memory-access=allow"), r.output());
        assertFalse(r.output().contains("UnsupportedOperationException"), r.output());
    }
}
