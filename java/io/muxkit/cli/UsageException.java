package io.muxkit.cli;

/** A bad flag value found after parsing (e.g. MUXKIT_BACKEND=nope): printed with exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
