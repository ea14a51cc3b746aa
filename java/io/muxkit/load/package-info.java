/** The echo load client: connections ramped on one event loop, every echoed byte checked, latency recorded. */
package io.muxkit.load;
