/** TCP echo (RFC 862) as a {@link io.muxkit.tcp.Protocol}: backpressure, bounded buffers, counters. */
package io.muxkit.echo;
