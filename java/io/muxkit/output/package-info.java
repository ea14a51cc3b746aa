/** What muxkit prints: JSON for reports, and lines limited to a rate for logs and traces. */
package io.muxkit.output;
