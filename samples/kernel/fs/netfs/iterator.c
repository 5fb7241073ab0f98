// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pinscope sample: the user-iterator extraction as the v3 variant (error
 * handling, overrun checks, initialised return value), the same text as the
 * engine reference source (extension/engine/variants). Written for Pinscope
 * from kernel-semantics.md; shaped like kernel code, not kernel code.
 */
#include <linux/netfs.h>
#include <linux/mm.h>
#include <linux/slab.h>

ssize_t netfs_extract_user_iter(struct iov_iter *orig, size_t orig_len,
				struct iov_iter *new,
				iov_iter_extraction_t extraction_flags)
{
	struct bio_vec *bvecs;
	struct page **page_slots;
	unsigned int slot_count, used = 0, k;
	size_t left = orig_len, bytes_size;
	ssize_t ret = 0;

	if (WARN_ON_ONCE(!iter_is_ubuf(orig) && !iter_is_iovec(orig)))
		return -EIO;

	slot_count = iov_iter_npages(orig, INT_MAX);
	bytes_size = array_size(slot_count, sizeof(struct bio_vec));
	bvecs = kvmalloc(bytes_size, GFP_KERNEL);
	if (!bvecs)
		return -ENOMEM;
	page_slots = (void *)bvecs + bytes_size - slot_count * sizeof(*page_slots);

	while (left && used < slot_count) {
		size_t first_off;
		unsigned int batch;

		ret = iov_iter_extract_pages(orig, &page_slots, left,
					     slot_count - used,
					     extraction_flags, &first_off);
		if (ret <= 0) {
			ret = ret ?: -EIO;
			break;
		}

		/* Don't try to clean up after EIO: nothing was pinned, or memory is already corrupt. */
		if (WARN(ret > left, "%s: extract_pages overrun %zd > %zu bytes\n",
			 __func__, ret, left)) {
			ret = -EIO;
			break;
		}

		batch = DIV_ROUND_UP(first_off + ret, PAGE_SIZE);
		if (WARN(batch > slot_count - used,
			 "%s: extract_pages overrun %u > %u pages\n",
			 __func__, used + batch, slot_count)) {
			ret = -EIO;
			break;
		}

		left -= ret;
		ret += first_off;

		for (k = 0; k < batch; k++) {
			size_t chunk = min_t(size_t, ret, PAGE_SIZE);

			bvec_set_page(bvecs + used + k, *page_slots++,
				      chunk - first_off, first_off);
			ret -= chunk;
			first_off = 0;
		}
		used += batch;
	}

	if (ret < 0 && (ret == -ENOMEM || used == 0)) {
		for (k = 0; k < used; k++)
			unpin_user_page(bvecs[k].bv_page);
		kvfree(bvecs);
		return ret;
	}

	iov_iter_bvec(new, orig->data_source, bvecs, used, orig_len - left);
	return used;
}
EXPORT_SYMBOL_GPL(netfs_extract_user_iter);
