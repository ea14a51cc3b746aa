package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.muxkit.testing.InProcessCli;
import picocli.CommandLine;

/**
 * What README.md and docs/*.md show a command taking, it takes: every flag written after
 * `muxkit COMMAND` on a line (up to the end of its code span, or a ` -- ` that starts another
 * program's arguments) is one that `muxkit COMMAND --help` lists, so a reader who copies it is not
 * told "Unknown option".
 */
class DocumentedFlagsTest {
    private static final Pattern OPTION = Pattern.compile("^\\s+(?:-\\w, )?(--[a-z][a-z-]*)", Pattern.MULTILINE);
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");

    @Test
    void everyFlagTheDocsShowIsInTheCommandsHelp() throws IOException {
        Set<String> commands = new TreeSet<>();
        CommandLine root = Main.commandLine();
        for (var c : root.getSubcommands().entrySet()) {
            commands.add(c.getKey());
            for (String sub : c.getValue().getSubcommands().keySet()) commands.add(c.getKey() + " " + sub);
        }
        this.root = root;
        // the longest name first, so that "example select-echo" wins over "example"
        String names = String.join("|", commands.stream().sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList());
        Pattern use = Pattern.compile("muxkit (" + names + ")(?![\\w-])([^`\\n]*)");

        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> wrong = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = use.matcher(lines.get(i));
                while (m.find()) {
                    String args = m.group(2).split(" -- ", 2)[0];
                    Set<String> listed = listed(m.group(1));
                    Matcher f = FLAG.matcher(args);
                    while (f.find())
                        if (!listed.contains(f.group(1)))
                            wrong.add(doc + ":" + (i + 1) + ": muxkit " + m.group(1) + " has no " + f.group(1));
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    private CommandLine root;

    /**
     * The flags `muxkit command --help` lists; for a command of subcommands written with a
     * placeholder (`muxkit example NAME [--port P]`), those any of its subcommands lists.
     */
    private Set<String> listed(String command) {
        CommandLine c = root.getSubcommands().get(command);
        if (c != null && !c.getSubcommands().isEmpty()) {
            Set<String> any = new TreeSet<>();
            for (String sub : c.getSubcommands().keySet()) any.addAll(help(command + " " + sub));
            return any;
        }
        return help(command);
    }

    private static Set<String> help(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        String help = InProcessCli.run(args.toArray(String[]::new)).output();
        Set<String> flags = new TreeSet<>();
        Matcher m = OPTION.matcher(help);
        while (m.find()) flags.add(m.group(1));
        return flags;
    }
}
