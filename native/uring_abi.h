/* <linux/io_uring.h>, with what kernels newer than the 6.1 uapi headers of Debian 12 add and muxkit reads. */
#ifndef MUXKIT_URING_ABI_H
#define MUXKIT_URING_ABI_H
#include <linux/io_uring.h>

#ifndef IORING_FEAT_RECVSEND_BUNDLE
#define IORING_FEAT_RECVSEND_BUNDLE (1U << 14)  /* 6.10 */
#endif
#ifndef IORING_FEAT_MIN_TIMEOUT
#define IORING_FEAT_MIN_TIMEOUT (1U << 15)      /* 6.12: min_wait_usec */
#endif
#endif
