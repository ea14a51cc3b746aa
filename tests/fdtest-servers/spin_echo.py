#!/usr/bin/env python3
"""A level-triggered poll() echo server that ignores a failed accept: at EMFILE the listening
socket stays readable, and the loop spins at 100% CPU (the bug libuv, libevent, Netty, asyncio
and Bun all had)."""
import select, socket, sys

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
server.setblocking(False)
poller = select.poll()
poller.register(server, select.POLLIN)
conns = {}
while True:
    for fd, events in poller.poll():
        if fd == server.fileno():
            try:
                conn, _ = server.accept()
            except OSError:
                continue  # EMFILE: try again at the next poll, which returns at once
            conn.setblocking(False)
            conns[conn.fileno()] = conn
            poller.register(conn, select.POLLIN)
        else:
            conn = conns[fd]
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            if data:
                conn.send(data)
            else:
                poller.unregister(fd)
                del conns[fd]
                conn.close()
