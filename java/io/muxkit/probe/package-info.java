/** The fd-limit probe: the machine's and the process's limits, and each backend filled until it stops. */
package io.muxkit.probe;
