package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.muxkit.echo.EchoServer;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Multiplexers;

/**
 * The JSON and the values passed between programs do not depend on the user's locale: a German
 * default must not write 1,234 into JSON, a Turkish one must not turn "strict" into "strıct".
 */
class LocaleTest {
    private static JsonNode json(String language, String country, String... args) throws Exception {
        String[] javaArgs = new String[args.length + 4];
        javaArgs[0] = "-Duser.language=" + language;
        javaArgs[1] = "-Duser.country=" + country;
        javaArgs[2] = "-Dmuxkit.scale.c=" + Path.of(System.getProperty("muxkit.test.nativeBuildDir"), "muxkit-scale");
        javaArgs[3] = "io.muxkit.cli.Main";
        System.arraycopy(args, 0, javaArgs, 4, args.length);
        ChildJvm.Result r = ChildJvm.run(null, javaArgs);
        assertEquals(0, r.exit(), r.output());
        String out = r.output();
        int start = Math.min(out.indexOf('{') < 0 ? Integer.MAX_VALUE : out.indexOf('{'), out.indexOf('[') < 0 ? Integer.MAX_VALUE : out.indexOf('['));
        return new ObjectMapper().readTree(out.substring(start));
    }

    @ParameterizedTest(name = "{0}_{1}")
    @CsvSource({ "de,DE", "tr,TR" })
    void jsonAndFlagsPassedOnAreTheSameInEveryLocale(String language, String country) throws Exception {
        JsonNode probe = json(language, country, "probe", "--json", "--backend", "select", "--max", "20");
        assertEquals("strict", probe.get("backends").get(0).get("fdset").asText());
        assertTrue(probe.get("backends").get(0).get("steps").get(0).get("wait_us_median").isNumber(), probe.toString());

        JsonNode scale = json(language, country, "scale", "--backend", "select", "--fds", "10", "--active", "1",
                "--writes", "5", "--iterations", "2", "--with-c", "--json");
        for (JsonNode row : scale) {
            assertTrue(row.get("unsupported") == null, "the C program read the fd_set mode it was given: " + row);
            assertTrue(row.get("iteration_us_median").isNumber(), row.toString());
        }

        try (EchoServer echo = new EchoServer(EchoServer.Config.defaults(0), Multiplexers.of(Backend.EPOLL), System.err).start()) {
            JsonNode load = json(language, country, "load", "--port", String.valueOf(echo.port()), "--connections", "2",
                    "--duration", "0.3", "--json");
            assertTrue(load.get("messages_per_sec").isNumber() && load.get("mb_per_sec").isNumber(), load.toString());
        }
    }
}
