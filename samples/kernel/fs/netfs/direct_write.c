// SPDX-License-Identifier: GPL-2.0-or-later
/* Pinscope sample: an unbuffered write; the extraction spans several lines. */
#include <linux/netfs.h>
#include "internal.h"

ssize_t sample_unbuffered_write(struct sample_request *wreq, struct iov_iter *iter)
{
	ssize_t n;

	/* netfs_extract_user_iter() is only for user-backed iterators. */
	if (user_backed_iter(iter)) {
		n = netfs_extract_user_iter(iter,
					    wreq->len,
					    &wreq->iter,
					    0);
		if (n < 0)
			return n;
		wreq->nr_bvecs = n;
		wreq->len = iov_iter_count(&wreq->iter);
	}
	return wreq->len ? sample_issue_write(wreq) : 0;
}
