/**
 * A TCP server written once for every protocol: {@link io.muxkit.tcp.TcpServer} runs N loops,
 * each accepting on its own listener, with the connection limit, the backend's fd limit, the
 * out-of-fds case, idle sweeps and shutdown handled here; a {@link io.muxkit.tcp.Protocol} says
 * what is spoken. Each connection is a {@link io.muxkit.tcp.Connection}, the stream layer under
 * every protocol (budgeted reads, one write queue, WRITE interest, half-close, last activity):
 * protocols parse and decide, and never read or write a socket themselves. Echo and the HTTP
 * file server are two such protocols.
 */
package io.muxkit.tcp;
