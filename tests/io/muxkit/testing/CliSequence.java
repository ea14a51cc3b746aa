package io.muxkit.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.cli.Main;
import io.muxkit.process.ChildJvm;

/**
 * Several muxkit command lines run one after another in one JVM, each as Main runs it (its command
 * line and error handling): for tests whose point is what the JVM was started with (its locale, its
 * fd limit), which a JVM per command would only repeat. A command that changes the process (probe
 * --limit) goes last. Usage: CliSequence ARGS... [+ ARGS...]...; after each command a line
 * {@code END + its exit status}.
 */
public final class CliSequence {
    private static final String END = "--- muxkit exited ";
    private static final Pattern ENDS = Pattern.compile("(?m)^" + Pattern.quote(END) + "(-?\\d+)$");

    public static void main(String[] args) {
        List<String> command = new ArrayList<>();
        for (int i = 0; i <= args.length; i++) {
            if (i < args.length && !args[i].equals("+")) {
                command.add(args[i]);
                continue;
            }
            int exit = Main.commandLine().execute(command.toArray(String[]::new));
            System.err.flush();
            System.out.println(END + exit);
            command.clear();
        }
        System.exit(0);  // as Main does: a command's threads do not keep the JVM
    }

    public static List<ChildJvm.Result> run(Integer nofile, List<String> jvmFlags, List<List<String>> commands)
            throws IOException, InterruptedException {
        return run(Map.of(), nofile, jvmFlags, commands);
    }

    /**
     * Runs commands in one child JVM (java jvmFlags... CliSequence, with env's variables set, or removed
     * where null, and under a soft and hard fd limit of nofile unless null) and returns each one's exit
     * status and what it printed.
     */
    public static List<ChildJvm.Result> run(Map<String, String> env, Integer nofile, List<String> jvmFlags,
            List<List<String>> commands) throws IOException, InterruptedException {
        List<String> javaArgs = new ArrayList<>(jvmFlags);
        javaArgs.add(CliSequence.class.getName());
        for (int i = 0; i < commands.size(); i++) {
            if (i > 0) javaArgs.add("+");
            javaArgs.addAll(commands.get(i));
        }
        ChildJvm.Result all = ChildJvm.run(env, nofile, javaArgs.toArray(String[]::new));
        List<ChildJvm.Result> results = new ArrayList<>();
        Matcher end = ENDS.matcher(all.output());
        int from = 0;
        while (end.find()) {
            results.add(new ChildJvm.Result(Integer.parseInt(end.group(1)), all.output().substring(from, end.start())));
            from = end.end() + 1;
        }
        if (all.exit() != 0 || results.size() != commands.size())
            throw new IOException("CliSequence exited " + all.exit() + " after " + results.size() + " of " + commands.size()
                    + " commands: " + commands + "\n" + all.output());
        return results;
    }
}
