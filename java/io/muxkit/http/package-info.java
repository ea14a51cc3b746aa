/** HTTP/1.1 messages: request heads, chunked bodies, byte ranges, dates and response heads. No I/O here. */
package io.muxkit.http;
