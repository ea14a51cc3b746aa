/** HTTP/1.1 messages: request heads (framed from a connection's bytes by HeadFramer), chunked bodies, byte ranges, dates and response heads. No I/O here. */
package io.muxkit.http;
