/**
 * A TCP server written once for every protocol: {@link io.muxkit.tcp.TcpServer} runs N loops,
 * each accepting on its own listener, with the connection limit, the backend's fd limit, the
 * out-of-fds case, idle sweeps and shutdown handled here; a {@link io.muxkit.tcp.Protocol} says
 * what is spoken. Echo and the HTTP file server are two such protocols.
 */
package io.muxkit.tcp;
