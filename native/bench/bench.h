/* What the C reference programs share: a clock, dying loudly, and an idle thread. */
#ifndef MUXKIT_BENCH_H
#define MUXKIT_BENCH_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline void die(const char *what) {
    perror(what);
    exit(1);
}

static void *idle_thread(void *arg) {
    pause();
    return arg;
}

/*
 * A JVM always has threads, and in a process with more than one thread the kernel takes and drops
 * a reference on every fd select and poll look at (a single-threaded process skips that). An idle
 * thread puts a C loop in the JVM's conditions.
 */
static inline void start_idle_thread(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, idle_thread, NULL) != 0)
        die("pthread_create");
}

#endif
