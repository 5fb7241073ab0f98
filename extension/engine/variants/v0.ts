// v0: the original (85dd2c8ff368, 6.3 … 7.0). Reference source written for
// Pinscope from kernel-semantics.md §1.2–1.3; shaped like the kernel's, not
// copied from it. Errors from the extractor end the loop with a pr_err and the
// call still "succeeds"; there is no cleanup path.
export const SOURCE_V0 = `ssize_t netfs_extract_user_iter(struct iov_iter *orig, size_t orig_len,
				struct iov_iter *new,
				iov_iter_extraction_t extraction_flags)
{
	struct bio_vec *bvecs;
	struct page **page_slots;
	unsigned int slot_count, used = 0, k;
	size_t left = orig_len, bytes_size;
	ssize_t ret;

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
		if (ret < 0) {
			pr_err("Couldn't get user pages (rc=%zd)\\n", ret);
			break;
		}

		if (ret > left) {
			pr_err("get_pages rc=%zd more than %zu\\n", ret, left);
			break;
		}

		left -= ret;
		ret += first_off;
		batch = DIV_ROUND_UP(ret, PAGE_SIZE);
		if (used + batch > slot_count) {
			pr_err("Out of bvec array capacity (%u vs %u)\\n",
			       used + batch, slot_count);
			break;
		}

		for (k = 0; k < batch; k++) {
			size_t chunk = min_t(size_t, ret, PAGE_SIZE);

			bvec_set_page(bvecs + used + k, *page_slots++,
				      chunk - first_off, first_off);
			ret -= chunk;
			first_off = 0;
		}
		used += batch;
	}

	iov_iter_bvec(new, orig->data_source, bvecs, used, orig_len - left);
	return used;
}
`;
