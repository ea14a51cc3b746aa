package io.muxkit.cli;

import io.muxkit.ffi.Faults;
import io.muxkit.files.FileServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "muxkit", mixinStandardHelpOptions = true, version = "muxkit 0.1.0",
        description = "select, poll, epoll and io_uring for the JVM, at the level of the syscalls.",
        subcommands = { BackendsCommand.class, ProbeCommand.class, EchoCommand.class, LoadCommand.class, DemoCommand.class, FilesCommand.class, ScaleCommand.class, SoakCommand.class, FdtestCommand.class, ExampleCommand.class, TimelineCommand.class })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        try {
            String faults = Faults.active();
            if (faults != null)
                System.err.println("muxkit: injecting faults (MUXKIT_FAULTS, seed " + Faults.seed() + "): " + faults);
        } catch (ExceptionInInitializerError e) {  // MUXKIT_FAULTS does not parse, or the shim does not load
            System.err.println("muxkit: " + e.getCause().getMessage());
            System.exit(2);
        }
        int status = commandLine().execute(args);
        if (Faults.active() != null) System.err.println("muxkit: " + Faults.injected() + " faults injected");
        System.exit(status);
    }

    /** The command line with muxkit's error handling: a bad flag or value is a usage error, exit 2. */
    public static CommandLine commandLine() {
        // --help shows the --max-conn the fd limit gives, per server
        System.setProperty("muxkit.maxconn.echo", String.valueOf(ListenOptions.defaultMaxConn(EchoCommand.FDS_PER_CONNECTION, 0)));
        System.setProperty("muxkit.maxconn.files", String.valueOf(ListenOptions.defaultMaxConn(FilesCommand.FDS_PER_CONNECTION,
                FileServerConfig.Cache.defaultFds())));
        System.setProperty("muxkit.cachefds", String.valueOf(FileServerConfig.Cache.defaultFds()));
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageException) {
                cmd.getErr().println("muxkit: " + e.getMessage());
                cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");  // "muxkit example select-echo"
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof io.muxkit.ffi.NativeIOException) {  // the kernel refused (a bind: EADDRINUSE, EADDRNOTAVAIL): its words, no trace
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
