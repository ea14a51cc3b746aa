/** The scaling experiments (libevent's bench.c, idle TCP connections) and their charts. */
package io.muxkit.scale;
