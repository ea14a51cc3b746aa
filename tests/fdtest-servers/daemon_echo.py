#!/usr/bin/env python3
"""An echo server that goes to the background as daemons do: fork, setsid, the parent exits. It
leaves fdtest's process group; it writes its pid to the file named by its second argument, so
the test can stop it, and ends by itself after 60 s in any case."""
import os, select, socket, sys, time

port, pidfile = int(sys.argv[1]), sys.argv[2]
if os.fork():
    time.sleep(0.3)  # the child is listening by then
    sys.exit(0)
os.setsid()
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(16)
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))
end = time.time() + 60
while time.time() < end:
    if select.select([server], [], [], 0.5)[0]:
        conn, _ = server.accept()
        conn.close()
