#!/usr/bin/env python3
"""A poll() echo server that, at EMFILE, waits in accept until an fd frees up: the whole loop
waits with it, so the clients it already has are not served."""
import select, socket, sys, time

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
poller = select.poll()
poller.register(server, select.POLLIN)
conns = {}
while True:
    for fd, events in poller.poll():
        if fd == server.fileno():
            while True:
                try:
                    conn, _ = server.accept()
                    break
                except OSError:
                    time.sleep(0.1)  # EMFILE: wait for an fd, serving no one meanwhile
            conns[conn.fileno()] = conn
            poller.register(conn, select.POLLIN)
        else:
            conn = conns[fd]
            data = conn.recv(4096)
            if data:
                conn.sendall(data)
            else:
                poller.unregister(fd)
                del conns[fd]
                conn.close()
