/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pinscope sample: the declaration the callers see. */
#ifndef _SAMPLE_NETFS_H
#define _SAMPLE_NETFS_H

#include <linux/uio.h>

ssize_t netfs_extract_user_iter(struct iov_iter *orig, size_t orig_len,
				struct iov_iter *new,
				iov_iter_extraction_t extraction_flags);

#endif
