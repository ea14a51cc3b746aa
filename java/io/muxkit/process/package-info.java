/** Child processes: muxkit (or any of our main classes) in a JVM of its own, under a chosen fd limit. */
package io.muxkit.process;
