/** Timelines of the loops (Chrome trace JSON): reading one back, summarizing it, charting it. */
package io.muxkit.timeline;
