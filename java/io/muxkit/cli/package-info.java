/** The {@code muxkit} command line (picocli): one class per command, flags shared through mixins. */
package io.muxkit.cli;
