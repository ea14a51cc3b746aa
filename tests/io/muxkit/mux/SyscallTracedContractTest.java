package io.muxkit.mux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;

import org.junit.jupiter.api.AfterEach;

/** The whole contract again, every syscall traced to a file-like sink: tracing never changes behaviour. */
class SyscallTracedContractTest extends MultiplexerContractTest {
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private final SyscallTrace trace = new SyscallTrace(null, 1, new PrintStream(lines, true));

    @Override
    Multiplexer open(Backend backend, FdSetMode mode) throws IOException {
        return Multiplexer.open(backend, mode, trace);
    }

    @AfterEach
    void somethingWasTraced() {
        assertTrue(lines.toString().contains("[trace] "), "no syscall was traced");
    }
}
