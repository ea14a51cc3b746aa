/*
 * Fault injection at the shim's one result point (MK_SYSCALL in muxkit.h), for tests and soaks:
 *
 *   MUXKIT_FAULTS="read:EINTR:0.01,write:SHORT:0.05,accept4:EMFILE:0.005"  MUXKIT_FAULTS_SEED=42
 *
 * Each rule makes the named call fail with the errno, before the syscall is made (as the kernel
 * fails it: nothing was read or written), with the given probability; SHORT makes a read, write,
 * send or sendfile move fewer bytes than asked; SLOWn makes a file call wait n milliseconds
 * first, as a slow disk would (fsync:SLOW500:1). Only errnos the call can really return are taken.
 * The rules are parsed once, when the library is loaded; without MUXKIT_FAULTS the cost of a call
 * is one test of a flag that is 0. This file is the shim's only global state.
 */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RULES 32
#define SHORT_IO 0  /* an "errno" of 0 in a rule: move fewer bytes instead of failing */
#define SLOW_IO (-2)  /* SLOWn: wait n ms, then make the call */
#define MAX_SLOW_MS 60000

struct rule {
    int call;
    int err;          /* positive errno, SHORT_IO or SLOW_IO */
    int slow_ms;
    double probability;
};

static const char *const call_names[MK_CALL_COUNT] = {
#define MK_NAME(name) [MK_CALL_##name] = #name,
    MK_CALLS(MK_NAME)
#undef MK_NAME
};

/* what each call can return, so a rule never makes up an impossible failure */
static const struct { int call; int errs[10]; } allowed[] = {
    { MK_CALL_read, { EINTR, EAGAIN, ECONNRESET, EIO, ENOMEM, SHORT_IO, SLOW_IO, -1 } },
    { MK_CALL_write, { EINTR, EAGAIN, EPIPE, ECONNRESET, ENOSPC, EIO, SHORT_IO, SLOW_IO, -1 } },
    { MK_CALL_send, { EINTR, EAGAIN, EPIPE, ECONNRESET, ENOMEM, ENOBUFS, SHORT_IO, -1 } },
    { MK_CALL_sendfile, { EINTR, EAGAIN, EPIPE, ECONNRESET, EIO, ENOMEM, SHORT_IO, -1 } },
    { MK_CALL_accept4, { EINTR, EAGAIN, EMFILE, ENFILE, ECONNABORTED, ENOMEM, ENOBUFS, -1 } },
    { MK_CALL_connect, { ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EADDRNOTAVAIL, -1 } },
    { MK_CALL_select, { EINTR, ENOMEM, -1 } },
    { MK_CALL_poll, { EINTR, ENOMEM, -1 } },
    { MK_CALL_epoll_wait, { EINTR, ENOMEM, -1 } },
    { MK_CALL_io_uring_enter, { EINTR, ENOMEM, EBUSY, -1 } },
    { MK_CALL_io_uring_setup, { ENOSYS, EPERM, ENOMEM, EMFILE, -1 } },
    /* a completion's result: a recv's or send's peer gone, an accept out of fds (each where it fits, see mk_fault_cqe) */
    { MK_CALL_io_uring_cqe, { ECONNRESET, EPIPE, EMFILE, ENFILE, ECONNABORTED, -1 } },
    { MK_CALL_epoll_ctl, { ENOMEM, ENOSPC, -1 } },
    { MK_CALL_openat2, { EMFILE, ENFILE, ENOENT, EACCES, EIO, ENOMEM, SLOW_IO, -1 } },
    { MK_CALL_open_tmpfile, { EOPNOTSUPP, EMFILE, ENOSPC, EIO, SLOW_IO, -1 } },
    { MK_CALL_fstat, { EIO, ENOMEM, EOVERFLOW, ENOENT, SLOW_IO, -1 } },
    { MK_CALL_getdents, { EIO, ENOMEM, SLOW_IO, -1 } },
    { MK_CALL_fsync, { EIO, ENOSPC, SLOW_IO, -1 } },
    { MK_CALL_renameat, { EIO, ENOSPC, EACCES, SLOW_IO, -1 } },
    { MK_CALL_linkat, { EIO, ENOSPC, SLOW_IO, -1 } },
    { MK_CALL_eventfd, { EMFILE, ENFILE, ENOMEM, -1 } },
    { MK_CALL_pipe2, { EMFILE, ENFILE, -1 } },
    { MK_CALL_socket, { EMFILE, ENFILE, ENOBUFS, ENOMEM, -1 } },
    { MK_CALL_inotify_init, { EMFILE, ENFILE, ENOMEM, -1 } },
    { MK_CALL_inotify_add_watch, { ENOSPC, ENOMEM, EACCES, -1 } },
};

int mk_faults_active;
static struct rule rules[MAX_RULES];
static int rule_count;
static unsigned long long seed;
static char error[256], description[2048];
static atomic_llong injected;
static atomic_ullong streams;
static _Thread_local unsigned long long rng;  /* xorshift64*, one stream per thread */

static int errno_of(const char *name) {
    if (strcmp(name, "SHORT") == 0) return SHORT_IO;
    if (strncmp(name, "SLOW", 4) == 0) return SLOW_IO;
    for (int e = 1; e < 200; e++) {
        const char *n = strerrorname_np(e);
        if (n && strcmp(n, name) == 0) return e;
    }
    return -1;
}

static int call_of(const char *name) {
    for (int c = 0; c < MK_CALL_COUNT; c++)
        if (strcmp(call_names[c], name) == 0) return c;
    return -1;
}

static int allowed_for(int call, int err) {
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (allowed[i].call != call) continue;
        for (int j = 0; allowed[i].errs[j] != -1; j++)
            if (allowed[i].errs[j] == err) return 1;
    }
    return 0;
}

/* Parses one "call:ERRNO:probability"; 0, or -1 with `error` set. */
static int parse_rule(const char *text) {
    char copy[128];
    if (strlen(text) >= sizeof copy) {  /* cut, it would be parsed as a different rule */
        snprintf(error, sizeof error, "'%.64s...' is longer than %zu characters", text, sizeof copy - 1);
        return -1;
    }
    snprintf(copy, sizeof copy, "%s", text);
    /* three fields split by hand: strtok would skip an empty one ("read::EIO:0.1") */
    char *call = copy, *err = strchr(call, ':'), *prob = err ? strchr(err + 1, ':') : NULL;
    if (err) *err++ = '\0';
    if (prob) *prob++ = '\0';
    if (!err || !prob || !*call || !*err || !*prob || strchr(prob, ':')) {
        snprintf(error, sizeof error, "'%.64s' is not call:ERRNO:probability", text);
        return -1;
    }
    struct rule r = { call_of(call), errno_of(err), 0, 0 };
    char *end;
    if (r.err == SLOW_IO) {
        long ms = strtol(err + 4, &end, 10);
        if (end == err + 4 || *end || ms < 1 || ms > MAX_SLOW_MS) {
            snprintf(error, sizeof error, "'%.32s' is not SLOWn with n milliseconds in 1..%d", err, MAX_SLOW_MS);
            return -1;
        }
        r.slow_ms = (int)ms;
    }
    r.probability = strtod(prob, &end);
    if (r.call < 0) {
        snprintf(error, sizeof error, "no call named '%.32s' can fail here", call);
        return -1;
    }
    if (r.err == -1 || !allowed_for(r.call, r.err)) {
        snprintf(error, sizeof error, "%.32s cannot fail with '%.32s'", call, err);
        return -1;
    }
    if (*end || !(r.probability > 0 && r.probability <= 1)) {
        snprintf(error, sizeof error, "probability '%.32s' of %.32s:%.32s is not in (0, 1]", prob, call, err);
        return -1;
    }
    if (r.err == EINTR && r.probability >= 1) {  /* the shim retries EINTR: at 1 it would retry forever */
        snprintf(error, sizeof error, "%.32s:EINTR must have a probability below 1", call);
        return -1;
    }
    if (rule_count == MAX_RULES) {
        snprintf(error, sizeof error, "at most %d rules", MAX_RULES);
        return -1;
    }
    rules[rule_count++] = r;
    size_t used = strlen(description);
    snprintf(description + used, sizeof description - used, "%s%.32s:%.32s:%g", used ? "," : "", call, err, r.probability);
    return 0;
}

__attribute__((constructor)) static void parse_faults(void) {
    const char *spec = getenv("MUXKIT_FAULTS");
    if (!spec || !*spec) return;
    const char *seed_text = getenv("MUXKIT_FAULTS_SEED");
    seed = seed_text ? strtoull(seed_text, NULL, 10) : 1;
    char copy[1024];
    if (strlen(spec) >= sizeof copy) {
        snprintf(error, sizeof error, "longer than %zu characters", sizeof copy - 1);
        return;
    }
    snprintf(copy, sizeof copy, "%s", spec);
    /* split by hand, not with strtok: it skips empty fields, and ",," must be refused, not taken as no rules */
    for (char *rule = copy, *comma; rule; rule = comma ? comma + 1 : NULL) {
        comma = strchr(rule, ',');
        if (comma) *comma = '\0';
        if (!*rule) {
            snprintf(error, sizeof error, "an empty rule in '%.64s' (a rule is call:ERRNO:probability)", spec);
            rule_count = 0;
            return;
        }
        if (parse_rule(rule) < 0) {
            rule_count = 0;
            return;
        }
    }
    mk_faults_active = rule_count > 0;
}

/* A uniform double in [0, 1) from this thread's stream; streams are numbered in order of first use. */
static double next_uniform(void) {
    if (rng == 0) rng = (seed + 1) * 0x9E3779B97F4A7C15ULL + (atomic_fetch_add(&streams, 1) + 1) * 0xBF58476D1CE4E5B9ULL;
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

long mk_fault(int call) {
    for (int i = 0; i < rule_count; i++) {
        if (rules[i].call != call || rules[i].err == SHORT_IO) continue;
        if (rules[i].err == SLOW_IO) {
            if (next_uniform() < rules[i].probability) {
                atomic_fetch_add(&injected, 1);
                struct timespec wait = { rules[i].slow_ms / 1000, (rules[i].slow_ms % 1000) * 1000000L };
                while (nanosleep(&wait, &wait) < 0 && errno == EINTR) {}
            }
            continue;  /* then the call is made */
        }
        if (next_uniform() < rules[i].probability) {
            atomic_fetch_add(&injected, 1);
            return -rules[i].err;
        }
    }
    return 0;
}

size_t mk_fault_len(int call, size_t len) {
    if (len < 2) return len;
    for (int i = 0; i < rule_count; i++) {
        if (rules[i].call != call || rules[i].err != SHORT_IO) continue;
        if (next_uniform() < rules[i].probability) {
            atomic_fetch_add(&injected, 1);
            return 1 + (size_t)(next_uniform() * (double)(len - 1));  /* 1 .. len-1 bytes */
        }
    }
    return len;
}

/* Whether err is what a completion of that kind could carry: a recv ECONNRESET, a send ECONNRESET or
 * EPIPE, an accept EMFILE, ENFILE or ECONNABORTED. */
static int fits_cqe(int kind, int err) {
    switch (kind) {
    case MK_URING_RECV_MULTI: return err == ECONNRESET;
    case MK_URING_SEND: return err == ECONNRESET || err == EPIPE;
    case MK_URING_ACCEPT_MULTI: return err == EMFILE || err == ENFILE || err == ECONNABORTED;
    default: return 0;
    }
}

int mk_fault_cqe(int kind) {
    for (int i = 0; i < rule_count; i++) {
        if (rules[i].call != MK_CALL_io_uring_cqe || !fits_cqe(kind, rules[i].err)) continue;
        if (next_uniform() < rules[i].probability) {
            atomic_fetch_add(&injected, 1);
            return -rules[i].err;
        }
    }
    return 0;
}

const char *mk_faults_error(void) { return error[0] ? error : NULL; }
const char *mk_faults_description(void) { return mk_faults_active ? description : NULL; }
long mk_faults_seed(void) { return (long)seed; }
long mk_faults_injected(void) { return (long)atomic_load(&injected); }
