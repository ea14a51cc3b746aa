package io.muxkit.fdtest;

/** What happened to one connection fdtest opened. */
public enum Outcome {
    /** connected, and the request was answered (connect: not closed or reset) */
    SERVED("served"),
    /** answered, then closed by the server (HTTP/1.0, Connection: close): no pressure on its fds */
    SERVED_CLOSED("served then closed"),
    /** connected, and held with an unfinished request (HTTP), as a slow client does */
    UNFINISHED("held with an unfinished request"),
    /** connected, then closed by the server (end of file) before any answer */
    CLOSED("accepted then closed"),
    /** connected, then reset by the server */
    RESET("reset"),
    /** connected, and nothing ever answered: left in the listen backlog, or accepted and ignored */
    NO_ANSWER("no answer (backlog)"),
    /** connect refused (RST to the SYN: nothing listening any more) */
    REFUSED("refused"),
    /** connect never completed: the SYN was dropped (a full backlog) */
    CONNECT_TIMEOUT("connect timed out");

    public final String text;

    Outcome(String text) {
        this.text = text;
    }

    /** Whether the connection stays open (and is held, to keep the server at its limit). */
    boolean open() {
        return this == SERVED || this == UNFINISHED || this == NO_ANSWER;
    }
}
