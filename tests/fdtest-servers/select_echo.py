#!/usr/bin/env python3
"""The classic select.select() echo server of the tutorials. Past fd 1023 it dies:
ValueError: filedescriptor out of range in select()."""
import select, socket, sys

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
inputs = [server]
while True:
    readable, _, _ = select.select(inputs, [], [])
    for s in readable:
        if s is server:
            conn, _ = server.accept()
            inputs.append(conn)
        else:
            data = s.recv(4096)
            if data:
                s.sendall(data)
            else:
                inputs.remove(s)
                s.close()
