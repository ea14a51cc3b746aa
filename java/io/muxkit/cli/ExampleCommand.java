package io.muxkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.muxkit.examples.CallbackEcho;
import io.muxkit.examples.FileShare;
import io.muxkit.examples.FileShareClient;
import io.muxkit.examples.ManyClients;
import io.muxkit.examples.SelectEcho;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The tutorial's programs (docs/TUTORIAL.md), one subcommand each. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Run one of the tutorial's programs (docs/TUTORIAL.md).",
        subcommands = { ExampleCommand.SelectEchoCommand.class, ExampleCommand.CallbackEchoCommand.class,
                ExampleCommand.ManyClientsCommand.class, ExampleCommand.FileServerCommand.class,
                ExampleCommand.FileClientCommand.class })
final class ExampleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** --backend (with --select-fdset and --trace), --host and --port for the example servers. */
    static final class ServerOptions {
        @Mixin
        MuxOptions mux;

        @Mixin
        AddressOptions.Bind address = new AddressOptions.Bind(9000);

        /**
         * The multiplexer an example serves on, on this thread, after installing what its loop
         * measures (--timeline, --lag-warn) when it runs one (loop: null for select-echo, which has
         * no loop); the thread is named for the timeline's track and the lag warning
         * ("callback-echo-loop", not "main").
         */
        io.muxkit.mux.Multiplexer multiplexer(String example, LoopOptions loop) {
            Thread.currentThread().setName(example + "-loop");
            if (loop != null) loop.monitor("example " + example, 1, mux);
            return mux.factory().get();
        }
    }

    @Command(name = "select-echo", mixinStandardHelpOptions = true,
            description = "The select.select() echo server of the Python tutorials, on a Multiplexer directly.")
    static final class SelectEchoCommand implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        // no LoopOptions: without an event loop there is nothing for --timeline or --lag-warn to
        // measure (callback-echo is the same server on the EventLoop)

        @Override
        public Integer call() throws Exception {
            SelectEcho.serve(server.multiplexer("select-echo", null), server.address.host, server.address.port(), System.out);
            return 0;
        }
    }

    @Command(name = "callback-echo", mixinStandardHelpOptions = true,
            description = "The echo server of Python's selectors documentation: a handler per fd on the EventLoop.")
    static final class CallbackEchoCommand implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Mixin
        LoopOptions loop;

        @Override
        public Integer call() throws Exception {
            CallbackEcho.serve(server.multiplexer("callback-echo", loop), server.address.host, server.address.port(), System.out);
            return 0;
        }
    }

    @Command(name = "many-clients", mixinStandardHelpOptions = true,
            description = { "A threaded client holding N connections open at once, each sending a line and checking its echo.",
                    "Exit 1 when a connection failed or came back wrong (refusals by the server are counted, not failures)." })
    static final class ManyClientsCommand implements Callable<Integer> {
        @Mixin
        AddressOptions.Connect client;

        @Option(names = "--connections", defaultValue = "500", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Override
        public Integer call() throws Exception {
            Checks.range("--connections", connections, 1, 10_000);
            return ManyClients.run(client.host, client.port(), connections, System.out).failed() == 0 ? 0 : 1;
        }
    }

    @Command(name = "file-server", mixinStandardHelpOptions = true,
            description = "The get/put file server of the Python socket tutorials: 'get NAME', 'put NAME SIZE' on the EventLoop.")
    static final class FileServerCommand implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Mixin
        LoopOptions loop;

        @Option(names = "--root", required = true, paramLabel = "DIR", description = "Directory whose files are shared.")
        Path root;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(root)) throw new UsageException("--root " + root + ": not a directory");
            FileShare.serve(server.multiplexer("file-server", loop), server.address.host, server.address.port(), root, System.out);
            return 0;
        }
    }

    @Command(name = "file-client", mixinStandardHelpOptions = true,
            description = "The client of file-server: 'get NAME' prints the file, 'put FILE' uploads one.")
    static final class FileClientCommand implements Callable<Integer> {
        @Mixin
        AddressOptions.Connect client;

        @Parameters(index = "0", paramLabel = "get|put", description = "What to do.")
        String verb;

        @Parameters(index = "1", paramLabel = "NAME|FILE", description = "get: the name on the server; put: the local file.")
        String name;

        @Override
        public Integer call() throws Exception {
            try (FileShareClient c = new FileShareClient(client.host, client.port())) {
                switch (verb) {
                    case "get" -> System.out.write(c.get(name));
                    case "put" -> {
                        Path file = Path.of(name);
                        c.put(file.getFileName().toString(), Files.readAllBytes(file));
                        System.out.println("put " + file.getFileName() + ": ok");
                    }
                    default -> throw new UsageException("say get NAME or put FILE, not " + verb);
                }
                System.out.flush();
            } catch (IOException e) {
                System.err.println("file-client: " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }
}
