// SPDX-License-Identifier: GPL-2.0-or-later
/* Pinscope sample: an unbuffered read that pins the user buffer first. */
#include <linux/netfs.h>
#include "internal.h"

ssize_t sample_unbuffered_read(struct sample_request *rreq, struct iov_iter *iter)
{
	ssize_t got;

	if (!user_backed_iter(iter))
		return sample_read_kernel_iter(rreq, iter);

	got = netfs_extract_user_iter(iter, rreq->len, &rreq->iter, 0);
	if (got < 0)
		return got;
	rreq->bvecs = rreq->iter.bvec;
	rreq->nr_bvecs = got;
	rreq->unpin_bvecs = iov_iter_extract_will_pin(iter);
	/* A short extraction shortens the read. */
	rreq->len = iov_iter_count(&rreq->iter);
	if (rreq->len == 0)
		return -EIO;
	return sample_issue_read(rreq);
}
