package io.muxkit.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx, lighttpd or Apache serving a directory on 127.0.0.1, in the foreground in a child
 * process, with a configuration of its own written into a work directory: static files, the
 * directory's index.html, a listing where there is none. What muxkit is compared with.
 */
public final class ReferenceServer implements AutoCloseable {
    /** A server, its executable and the Debian package that installs it. */
    public enum Kind {
        NGINX("nginx", "nginx-light", "nginx/"),
        LIGHTTPD("lighttpd", "lighttpd", "lighttpd/"),
        APACHE("apache2", "apache2", "Apache/");

        public final String executable, debianPackage;
        /** How its Server header starts: how a probe tells it from whatever else holds the port. */
        final String serverHeader;

        Kind(String executable, String debianPackage, String serverHeader) {
            this.executable = executable;
            this.debianPackage = debianPackage;
            this.serverHeader = serverHeader;
        }

        /** Its executable, from PATH or the sbin directories (which a non-root PATH may lack); null when not installed. */
        public Path find() {
            List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
            dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
            for (String dir : dirs) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, executable);
                if (Files.isExecutable(p)) return p;
            }
            return null;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final int START_ATTEMPTS = 5;
    private static final long START_SECONDS = 15, STOP_SECONDS = 10;

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private ReferenceServer(Kind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts kind serving root, its configuration and logs in workDir, on a free port: it is up once
     * GET /probeName answers probeBody with kind's Server header. A port another process took
     * in the meantime makes it start again on another one.
     */
    public static ReferenceServer start(Kind kind, Path root, Path workDir, String probeName, String probeBody)
            throws IOException, InterruptedException {
        Path executable = kind.find();
        if (executable == null) throw new IOException(kind.executable + " is not installed (package " + kind.debianPackage + ")");
        Files.createDirectories(workDir);
        String lastLog = "";
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = workDir.resolve("output.log");
            Process process = new ProcessBuilder(command(kind, executable, root, workDir, port))
                    .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            ReferenceServer server = new ReferenceServer(kind, process, port, log);
            Boolean up = server.awaitUp(probeName, probeBody);
            if (Boolean.TRUE.equals(up)) return server;
            server.close();
            lastLog = server.logs();
            // another process has the port (it answered, or the server says so): try another one
            if (up == null && !lastLog.contains("in use")) break;
        }
        throw new IOException(kind.label() + " did not start; its logs:\n" + lastLog);
    }

    public Kind kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    /** Its output and error log so far. */
    public String logs() throws IOException {
        StringBuilder all = new StringBuilder(Files.readString(log, StandardCharsets.ISO_8859_1));
        Path errors = log.resolveSibling("error.log");
        if (Files.exists(errors)) all.append(Files.readString(errors, StandardCharsets.ISO_8859_1));
        return all.toString();
    }

    /** SIGTERM, then SIGKILL if it lingers; its fds (it has none in this JVM but the exited process's) are gone after. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** True once it answers the probe, false when something else answers on its port, null when it ended or never answered. */
    private Boolean awaitUp(String probeName, String probeBody) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        byte[] probe = ("GET /" + probeName + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        while (process.isAlive() && System.nanoTime() < deadline) {
            RawHttp.Exchange e = RawHttp.exchange(port, probe, 2_000);
            if (e.responses().size() == 1) {
                RawHttp.Response r = e.responses().get(0);
                String server = r.header("server");
                return r.status() == 200 && server != null && server.startsWith(kind.serverHeader)
                        && new String(r.body(), StandardCharsets.ISO_8859_1).equals(probeBody);
            }
            Thread.sleep(20);  // nothing listens yet
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<String> command(Kind kind, Path executable, Path root, Path dir, int port) throws IOException {
        Path conf;
        switch (kind) {
            case NGINX:
                conf = write(dir.resolve("nginx.conf"), String.join("\n",
                        "master_process off;",  // one process to stop, no workers switching user
                        "pid " + dir.resolve("nginx.pid") + ";",
                        "error_log " + dir.resolve("error.log") + ";",
                        "events { worker_connections 64; }",
                        "http {",
                        "  include /etc/nginx/mime.types;",
                        "  default_type application/octet-stream;",
                        "  access_log off;",
                        "  client_body_temp_path " + dir.resolve("body") + ";",
                        "  proxy_temp_path " + dir.resolve("proxy") + ";",
                        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                        "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                        "  scgi_temp_path " + dir.resolve("scgi") + ";",
                        "  server {",
                        "    listen 127.0.0.1:" + port + ";",
                        "    root " + root + ";",
                        "    index index.html;",
                        "    autoindex on;",
                        "  }",
                        "}", ""));
                return List.of(executable.toString(), "-p", dir + "/", "-e", dir.resolve("error.log").toString(),
                        "-c", conf.toString(), "-g", "daemon off;");
            case LIGHTTPD:
                conf = write(dir.resolve("lighttpd.conf"), String.join("\n",
                        "server.document-root = \"" + root + "\"",
                        "server.bind = \"127.0.0.1\"",
                        "server.port = " + port,
                        "server.modules = (\"mod_indexfile\", \"mod_dirlisting\", \"mod_staticfile\")",
                        "server.errorlog = \"" + dir.resolve("error.log") + "\"",
                        "index-file.names = (\"index.html\")",
                        "dir-listing.activate = \"enable\"",
                        "include_shell \"/usr/share/lighttpd/create-mime.conf.pl\"", ""));
                return List.of(executable.toString(), "-D", "-f", conf.toString());
            case APACHE:
                Path modules = apacheModules();
                boolean root0 = "root".equals(System.getProperty("user.name"));
                conf = write(dir.resolve("httpd.conf"), String.join("\n",
                        "ServerRoot \"" + dir + "\"",
                        "DefaultRuntimeDir \"" + dir + "\"",
                        "LoadModule mpm_event_module " + modules.resolve("mod_mpm_event.so"),
                        "LoadModule authz_core_module " + modules.resolve("mod_authz_core.so"),
                        "LoadModule dir_module " + modules.resolve("mod_dir.so"),
                        "LoadModule autoindex_module " + modules.resolve("mod_autoindex.so"),
                        "LoadModule mime_module " + modules.resolve("mod_mime.so"),
                        "ServerName 127.0.0.1",
                        "Listen 127.0.0.1:" + port,
                        "PidFile " + dir.resolve("httpd.pid"),
                        "ErrorLog " + dir.resolve("error.log"),
                        root0 ? "User www-data\nGroup www-data" : "",  // Apache will not serve as root
                        "TypesConfig /etc/mime.types",
                        "DocumentRoot \"" + root + "\"",
                        "<Directory \"" + root + "\">",
                        "  Options Indexes",
                        "  Require all granted",
                        "</Directory>",
                        "DirectoryIndex index.html", ""));
                return List.of(executable.toString(), "-X", "-f", conf.toString());
            default:
                throw new AssertionError(kind);
        }
    }

    /** Where Apache's modules are: Debian's directory, or Red Hat's. */
    private static Path apacheModules() throws IOException {
        for (String dir : List.of("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules"))
            if (Files.exists(Path.of(dir, "mod_dir.so"))) return Path.of(dir);
        throw new IOException("no directory of Apache modules (mod_dir.so) found");
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
