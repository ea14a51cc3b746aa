package io.muxkit.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.Test;

/** Each backend filled to the fd limit, in a child JVM with a lowered RLIMIT_NOFILE. */
class FdLimitTest {
    private static final Pattern LINE = Pattern.compile("registered=(\\d+) highest=(\\d+) stopped=(.*) ready=(\\w+)");

    private static Matcher fill(int nofile, String... args) throws Exception {
        String[] javaArgs = new String[args.length + 1];
        javaArgs[0] = "io.muxkit.testing.FillToLimit";
        System.arraycopy(args, 0, javaArgs, 1, args.length);
        ChildJvm.Result result = ChildJvm.run(nofile, javaArgs);
        assertEquals(0, result.exit(), result.output());
        Matcher m = LINE.matcher(result.output());
        assertTrue(m.find(), result.output());
        return m;
    }

    @ContractTest
    void pollAndEpollStopAtEmfileAndSelectAtFdSetSize(Backend backend) throws Exception {
        Matcher m = fill(1500, backend.id());
        assertEquals("true", m.group(4), "the highest fd registered was reported ready: " + m.group());
        int highest = Integer.parseInt(m.group(2));
        if (backend == Backend.SELECT) {
            assertEquals(1023, highest, m.group());
            assertTrue(m.group(3).startsWith("FdLimitException: select cannot watch fd 1024"), m.group());
        } else {
            assertEquals(1499, highest, "every fd up to the soft limit: " + m.group());
            assertTrue(m.group(3).contains("EMFILE (Too many open files)"), m.group());
        }
    }

    @Test
    void dynamicSelectPassesFdSetSize() throws Exception {
        Matcher m = fill(1500, "select", "dynamic");
        assertEquals("1499", m.group(2), m.group());
        assertEquals("true", m.group(4), m.group());
        assertTrue(m.group(3).contains("EMFILE"), m.group());
    }
}
