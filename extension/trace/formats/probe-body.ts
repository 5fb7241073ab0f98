// The body of a tracefs probe line, shared by the ftrace, trace-cmd and
// function_graph parsers: "NAME: (LOCATION) k=v …". The location says which
// function fired (entry "SYM+off/size [mod]", return "CALLER+off/size <- SYM");
// trace-cmd prints raw hex there, so the event name and the fields decide.
import { parseFields, PIN, TARGET, UNPIN, type EventKind } from '../events';

export interface ProbeBody {
  readonly kind: EventKind;
  readonly fields: Record<string, string>;
  readonly caller?: string;
}

/** Event names of Pinscope's own recipes and tracefs defaults, for locations printed as raw addresses. */
const NAMED: ReadonlyArray<[RegExp, EventKind]> = [
  [/iov/, 'call-iov'],
  [/^(xui_entry|p_netfs_extract_user_iter_\d+|netfs_extract_user_iter__entry|neui_entry|neui)$/, 'call-entry'],
  [/^(xui_exit|r_netfs_extract_user_iter_\d+|netfs_extract_user_iter__exit|neui_exit|neui_x)$/, 'call-exit'],
  [/^(pupf_entry|p_pin_user_pages_fast_\d+|pin_user_pages_fast__entry)$/, 'pin-entry'],
  [/^(pupf_exit|r_pin_user_pages_fast_\d+|pin_user_pages_fast__exit)$/, 'pin-exit'],
  [/^(unpin_page|unpin|p_unpin_user_page_\d+|unpin_user_page__entry)$/, 'unpin'],
  [/^(xui_bvec_init|bvec_mk|p_iov_iter_bvec_\d+)$/, 'call-new-iter'],
];

const LOCATION = /^\((?:([A-Za-z_][\w.]*)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+\])?|[0-9a-f]+)(?: <- ([A-Za-z_][\w.]*|[0-9a-f]+))?\)\s*/;

const SEGMENT_FIELD = /^(iov\d+_(base|len)|seg\d+(len)?)$/;

function isIovEntry(fields: Record<string, string>): boolean {
  // The call's own entry has orig_len (or len): decided without looking at every key.
  if ('orig_len' in fields || 'len' in fields) return false;
  return Object.keys(fields).some((k) => SEGMENT_FIELD.test(k));
}

/** Classifies "NAME: (LOCATION) fields"; null when it is not about our functions. */
export function parseProbeBody(name: string, rest: string): ProbeBody | null {
  const loc = LOCATION.exec(rest);
  const fields = parseFields(loc ? rest.slice(loc[0].length) : rest);
  if (!loc) return classifyProbe(name, fields, {});
  const [, site, returned] = loc;
  // trace-cmd prints a return as "(FUNC <- RETURN-ADDRESS)" in raw hex: the caller is the second.
  const hexReturn = returned !== undefined && /^[0-9a-f]+$/.test(returned);
  return classifyProbe(name, fields, {
    site,
    returned: hexReturn ? undefined : returned,
    caller: hexReturn && site === undefined ? `0x${returned}` : undefined,
  });
}

/** Where a probe fired, as far as it is known by name. */
export interface ProbeSite {
  /** Entry: the function probed; return: the caller it returned to (undefined: only an address). */
  readonly site?: string;
  /** Return probes: the function that returned. */
  readonly returned?: string;
  /** The caller to record when only its address is known ("0x…"). */
  readonly caller?: string;
}

/** The event kind of a probe from where it fired, else from its event name (Pinscope's recipes and tracefs defaults). */
export function classifyProbe(name: string, fields: Record<string, string>, at: ProbeSite): ProbeBody | null {
  const { site, returned, caller } = at;
  if (returned !== undefined) {
    if (returned === TARGET) return { kind: 'call-exit', fields, caller: site ?? caller };
    if (returned === PIN) return { kind: 'pin-exit', fields };
    return null;
  }
  if (site !== undefined) {
    if (site === TARGET) return { kind: isIovEntry(fields) ? 'call-iov' : 'call-entry', fields };
    if (site === PIN) return { kind: 'pin-entry', fields };
    if (site === 'iov_iter_bvec') return { kind: 'call-new-iter', fields };
    if (UNPIN.test(site)) return { kind: 'unpin', fields };
    return null;
  }
  for (const [pattern, kind] of NAMED) {
    if (pattern.test(name)) {
      if (kind === 'call-iov' && !isIovEntry(fields)) continue;
      return kind === 'call-exit' && caller ? { kind, fields, caller } : { kind, fields };
    }
  }
  return null;
}
