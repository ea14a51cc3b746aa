package io.muxkit.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The client of {@link FileShare}: one blocking socket, one command at a time. */
public final class FileShareClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public FileShareClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The file's bytes; IOException with the server's reason when it says error. */
    public byte[] get(String name) throws IOException {
        out.write(("get " + name + "\n").getBytes(StandardCharsets.UTF_8));
        long size = Long.parseLong(expectOk().trim());
        if (size < 0 || size > FileShare.MAX_FILE) throw new IOException("the server announced " + size + " bytes");
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) throw new IOException("the server closed after " + data.length + " of " + size + " bytes");
        return data;
    }

    public void put(String name, byte[] data) throws IOException {
        out.write(("put " + name + " " + data.length + "\n").getBytes(StandardCharsets.UTF_8));
        out.write(data);
        expectOk();
    }

    /** Reads the reply line: what follows "ok", or IOException("the server says: ..."). */
    private String expectOk() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new IOException("the server closed the connection");
            if (line.size() > 1024) throw new IOException("the server's reply line is too long");
            line.write(b);
        }
        String reply = line.toString(StandardCharsets.UTF_8);
        if (reply.equals("ok") || reply.startsWith("ok ")) return reply.substring(2);
        throw new IOException("the server says: " + reply);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
