// The three fixes, each as the edit it makes to the previous variant's source
// (the way the commits are patches): v1 = v0 + error handling, v2 = v1 +
// overrun check, v3 = v2 + initialised `ret`. Written for Pinscope from
// kernel-semantics.md §1.4.
import { SOURCE_V0 } from './v0';

interface Edit {
  readonly from: string;
  readonly to: string;
}

function apply(source: string, fix: string, edits: readonly Edit[]): string {
  return edits.reduce((text, edit) => {
    if (!text.includes(edit.from)) throw new Error(`${fix}: the text to replace is missing:\n${edit.from}`);
    return text.replace(edit.from, edit.to);
  }, source);
}

/** 0aad5704c6b4: `ret <= 0` is an error (0 becomes -EIO), and errors clean up. */
const ERROR_HANDLING: readonly Edit[] = [
  {
    from: `\t\tif (ret < 0) {\n\t\t\tpr_err("Couldn't get user pages (rc=%zd)\\n", ret);\n`,
    to: `\t\tif (ret <= 0) {\n\t\t\tret = ret ?: -EIO;\n`,
  },
  {
    from: `\t\tused += batch;\n\t}\n`,
    to:
      `\t\tused += batch;\n\t}\n\n` +
      `\tif (ret < 0 && (ret == -ENOMEM || used == 0)) {\n` +
      `\t\tfor (k = 0; k < used; k++)\n` +
      `\t\t\tunpin_user_page(bvecs[k].bv_page);\n` +
      `\t\tkvfree(bvecs);\n` +
      `\t\treturn ret;\n` +
      `\t}\n`,
  },
];

/** 0ef37eef83fa: byte and page overruns WARN and become -EIO, checked before `left` changes. */
const OVERRUN_CHECK: readonly Edit[] = [
  {
    from: `\t\tif (ret > left) {\n\t\t\tpr_err("get_pages rc=%zd more than %zu\\n", ret, left);\n`,
    to:
      `\t\t/* Don't try to clean up after EIO: nothing was pinned, or memory is already corrupt. */\n` +
      `\t\tif (WARN(ret > left, "%s: extract_pages overrun %zd > %zu bytes\\n",\n` +
      `\t\t\t __func__, ret, left)) {\n` +
      `\t\t\tret = -EIO;\n`,
  },
  {
    from:
      `\t\tleft -= ret;\n\t\tret += first_off;\n\t\tbatch = DIV_ROUND_UP(ret, PAGE_SIZE);\n` +
      `\t\tif (used + batch > slot_count) {\n` +
      `\t\t\tpr_err("Out of bvec array capacity (%u vs %u)\\n",\n` +
      `\t\t\t       used + batch, slot_count);\n` +
      `\t\t\tbreak;\n\t\t}\n`,
    to:
      `\t\tbatch = DIV_ROUND_UP(first_off + ret, PAGE_SIZE);\n` +
      `\t\tif (WARN(batch > slot_count - used,\n` +
      `\t\t\t "%s: extract_pages overrun %u > %u pages\\n",\n` +
      `\t\t\t __func__, used + batch, slot_count)) {\n` +
      `\t\t\tret = -EIO;\n` +
      `\t\t\tbreak;\n\t\t}\n\n` +
      `\t\tleft -= ret;\n\t\tret += first_off;\n`,
  },
];

/** 7e3d8db899d5: `ret` starts at 0. */
const INITIALISED_RET: readonly Edit[] = [{ from: `\tssize_t ret;\n`, to: `\tssize_t ret = 0;\n` }];

export const SOURCE_V1 = apply(SOURCE_V0, '0aad5704c6b4', ERROR_HANDLING);
export const SOURCE_V2 = apply(SOURCE_V1, '0ef37eef83fa', OVERRUN_CHECK);
export const SOURCE_V3 = apply(SOURCE_V2, '7e3d8db899d5', INITIALISED_RET);
