package io.muxkit.http;

/** A request that gets an error status; close: the connection cannot be trusted after it. */
public final class HttpError extends Exception {
    public final int status;
    public final boolean close;

    public HttpError(int status, String message, boolean close) {
        super(message, null, false, false);
        this.status = status;
        this.close = close;
    }

    public HttpError(int status, String message) {
        this(status, message, false);
    }
}
