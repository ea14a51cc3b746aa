package io.muxkit.timeline;

/** A file that cannot be summarized (not JSON, not a trace, no waits): its message is one line for the user. */
public final class TraceFormatException extends Exception {
    public TraceFormatException(String message) {
        super(message);
    }
}
