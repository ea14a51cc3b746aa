/* One thread's id and a signal sent to it alone: the tests interrupt a wait with these (EINTR). */
#define _GNU_SOURCE
#include "muxkit.h"

#include <sys/syscall.h>
#include <unistd.h>

int mk_gettid(void) { return (int)syscall(SYS_gettid); }

int mk_tgkill(int tid, int sig) {
    return MK_RESULT((int)syscall(SYS_tgkill, getpid(), tid, sig));
}
