package io.muxkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "Read the timelines --timeline FILE writes (Chrome trace JSON; Perfetto and chrome://tracing open them too).",
        subcommands = { TimelineSummaryCommand.class })
final class TimelineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
