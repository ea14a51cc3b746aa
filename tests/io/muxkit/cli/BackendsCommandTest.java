package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.muxkit.mux.BackendChoice;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.CliSequence;
import io.muxkit.testing.InProcessCli;
import org.junit.jupiter.api.Test;

/** `muxkit backends` and backend selection, run as a user runs them: a fresh JVM each. */
class BackendsCommandTest {
    private static ChildJvm.Result backends(String env, String... args) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put(BackendChoice.ENV, env);
        String[] javaArgs = new String[args.length + 2];
        javaArgs[0] = "io.muxkit.cli.Main";
        javaArgs[1] = "backends";
        System.arraycopy(args, 0, javaArgs, 2, args.length);
        return ChildJvm.run(environment, null, javaArgs);
    }

    @Test
    void listsEveryBackendWithItsLimitAndTheBestAsDefault() throws Exception {
        ChildJvm.Result r = backends(null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().matches("(?s).*select +available +FD_SETSIZE 1024.*"), r.output());
        assertTrue(r.output().matches("(?s).*poll +available +RLIMIT_NOFILE soft \\d+ \\(hard \\d+\\).*"), r.output());
        assertTrue(r.output().matches("(?s).*epoll +available +RLIMIT_NOFILE .*max_user_watches \\d+.*"), r.output());
        assertTrue(r.output().matches("(?s).*\nuring +(un)?available +RLIMIT_NOFILE soft \\d+ \\(hard \\d+\\), kernel\\.io_uring_disabled \\S+,"
                + " RLIMIT_MEMLOCK on kernels before 5\\.12.*"), r.output());
        assertTrue(r.output().contains("default: epoll (best available)"), r.output());
        assertTrue(r.output().matches("(?s).*\nbinding: (jnr|ffm) \\(.+\\)\ndefault: .*"), r.output());
    }

    /** Under MUXKIT_BACKEND=POLL, without and with a flag: one JVM for both (CliSequence), the environment being the same. */
    @Test
    void environmentChoosesWhenNoFlagDoesAndTheFlagBeatsItInAnyCase() throws Exception {
        List<ChildJvm.Result> r = CliSequence.run(Map.of(BackendChoice.ENV, "POLL"), null, List.of(), List.of(
                List.of("backends"), List.of("backends", "--backend", "Select")));
        assertEquals(0, r.get(0).exit(), r.get(0).output());
        assertTrue(r.get(0).output().contains("default: poll (MUXKIT_BACKEND=POLL)"), r.get(0).output());
        assertEquals(0, r.get(1).exit(), r.get(1).output());
        assertTrue(r.get(1).output().contains("default: select (--backend Select)"), r.get(1).output());
    }

    @Test
    void unknownNamesAreUsageErrorsListingTheValidOnes() throws Exception {
        ChildJvm.Result flag = InProcessCli.run("backends", "--backend", "nope");  // refused before it starts: in this JVM
        assertEquals(2, flag.exit(), flag.output());
        assertTrue(flag.output().contains("unknown backend 'nope': choose one of select, poll, epoll"), flag.output());
        ChildJvm.Result env = backends("kqueue");
        assertEquals(2, env.exit(), env.output());
        assertTrue(env.output().contains("MUXKIT_BACKEND: unknown backend 'kqueue'"), env.output());
    }
}
