#!/usr/bin/env python3
"""An echo server on asyncio streams, as its documentation writes one. asyncio's accept loop
stops on EMFILE and tries again later, so it survives its limit."""
import asyncio, sys

async def echo(reader, writer):
    while data := await reader.read(4096):
        writer.write(data)
        await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
