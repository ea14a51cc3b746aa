package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.muxkit.echo.EchoServer;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.CliSequence;
import io.muxkit.testing.Multiplexers;

/**
 * The JSON and the values passed between programs do not depend on the user's locale: a German
 * default must not write 1,234 into JSON, a Turkish one must not turn "strict" into "strıct".
 */
class LocaleTest {
    /** The JSON each command prints, all run in one JVM started in that locale (CliSequence). */
    private static List<JsonNode> json(String language, String country, List<List<String>> commands) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (ChildJvm.Result r : CliSequence.run(null, List.of("-Duser.language=" + language, "-Duser.country=" + country,
                "-Dmuxkit.scale.c=" + Path.of(System.getProperty("muxkit.test.nativeBuildDir"), "muxkit-scale")), commands)) {
            assertEquals(0, r.exit(), r.output());
            String out = r.output();
            int start = Math.min(out.indexOf('{') < 0 ? Integer.MAX_VALUE : out.indexOf('{'), out.indexOf('[') < 0 ? Integer.MAX_VALUE : out.indexOf('['));
            results.add(new ObjectMapper().readTree(out.substring(start)));
        }
        return results;
    }

    @ParameterizedTest(name = "{0}_{1}")
    @CsvSource({ "de,DE", "tr,TR" })
    void jsonAndFlagsPassedOnAreTheSameInEveryLocale(String language, String country) throws Exception {
        List<JsonNode> json;
        try (EchoServer echo = new EchoServer(EchoServer.Config.defaults(0), Multiplexers.of(Backend.EPOLL), System.err).start()) {
            json = json(language, country, List.of(
                    List.of("probe", "--json", "--backend", "select", "--max", "20"),
                    List.of("scale", "--backend", "select", "--fds", "10", "--active", "1", "--writes", "5", "--iterations", "2",
                            "--with-c", "--json"),
                    List.of("load", "--port", String.valueOf(echo.port()), "--connections", "2", "--duration", "0.3", "--json")));
        }
        JsonNode probe = json.get(0);
        assertEquals("strict", probe.get("backends").get(0).get("fdset").asText());
        assertTrue(probe.get("backends").get(0).get("steps").get(0).get("wait_us_median").isNumber(), probe.toString());

        for (JsonNode row : json.get(1)) {
            assertTrue(row.get("unsupported") == null, "the C program read the fd_set mode it was given: " + row);
            assertTrue(row.get("iteration_us_median").isNumber(), row.toString());
        }

        JsonNode load = json.get(2);
        assertTrue(load.get("messages_per_sec").isNumber() && load.get("mb_per_sec").isNumber(), load.toString());
    }
}
