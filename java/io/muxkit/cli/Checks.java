package io.muxkit.cli;

/**
 * Range checks for flag values, done before anything starts: a value outside the range (NaN and
 * infinities included) is a usage error, exit 2, naming the flag and the range. No value is
 * clamped silently, and none can overflow a later multiplication (seconds to nanoseconds).
 */
final class Checks {
    /** The longest duration a flag takes: a week, far from where nanoseconds overflow a long. */
    static final double MAX_SECONDS = 7 * 24 * 3600;

    private Checks() {}

    static int range(String flag, int value, int min, int max) {
        if (value < min || value > max) throw new UsageException(flag + " must be in [" + min + ", " + max + "], not " + value);
        return value;
    }

    static long range(String flag, long value, long min, long max) {
        if (value < min || value > max) throw new UsageException(flag + " must be in [" + min + ", " + max + "], not " + value);
        return value;
    }

    /** A duration in seconds, in (0, max] or, with zeroAllowed, [0, max]; returned as milliseconds. */
    static long seconds(String flag, double value, boolean zeroAllowed, double max) {
        boolean ok = (zeroAllowed ? value >= 0 : value > 0) && value <= max;  // false for NaN
        if (!ok) throw new UsageException(flag + " must be a number of seconds in " + (zeroAllowed ? "[0, " : "(0, ")
                + (long) max + "], not " + value);
        return Math.round(value * 1000);
    }
}
