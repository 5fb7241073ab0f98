// The recording script: POSIX sh (busybox ash is enough) sent to a target on
// its stdin in two parts. The first probes the target and prints what it found;
// the host reads that, picks the recipe for that kernel, and sends the second
// part, which records into a tracefs instance of its own and streams the
// instance's trace_pipe back on stdout. Lines the host reads as messages start
// with "# pinscope-"; everything else is the trace. A shell reading its script
// from a pipe runs each command as it arrives, so the second part can wait for
// the first part's answer; once recording, any line on stdin means Stop and
// its end means the host is gone.
//
// What is left on the target: nothing. The probes get a group of their own
// (pinscope_<id>) and only that group is removed; they are enabled in the
// instance only; events are disabled before their probes are removed; the
// instance is deleted. An EXIT trap does it on every path: stop, the workload's
// exit, the duration, an error in a step, a signal, stdin or stdout going away.
//
// --kind bpftrace makes no instance and no probe definitions: bpftrace runs as
// root with the program the host picked for its version, its stdout is the
// trace, and its own probes go away with it. SIGINT stops it (it prints what
// its buffers hold and detaches); the cleanup waits for that, escalating to
// TERM and KILL, and then removes any kprobe bpftrace's libraries fell back to
// defining in kprobe_events under its pid.

export type RecordKind = 'kprobe' | 'fprobe' | 'function_graph' | 'bpftrace';
export const RECORD_KINDS: readonly RecordKind[] = ['kprobe', 'fprobe', 'function_graph', 'bpftrace'];

/** Quotes a word for any POSIX shell: single quotes, a quote inside as '\''. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Part one: the kernel release line, the facts, and the functions part two calls. */
export function probeScript(): string {
  return `# Pinscope recording script, part 1 of 2: what this target can record.
echo "# pinscope: kernel_release=$(uname -r) arch=$(uname -m)"
exec 3<&0
pinscope_fact() { echo "# pinscope-fact: $1=$2"; }
pinscope_yes() { if "$@" 2>/dev/null; then echo yes; else echo no; fi; }
pinscope_probe() {
  PINSCOPE_T=
  for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
    if [ -e "$d/trace_pipe" ]; then PINSCOPE_T=$d; break; fi
  done
  pinscope_fact root "$(pinscope_yes [ "$(id -u)" = 0 ])"
  pinscope_fact tracefs "\${PINSCOPE_T:-none}"
  t=\${PINSCOPE_T:-/nonexistent}
  pinscope_fact instances "$(pinscope_yes [ -d "$t/instances" ])"
  if [ -d /sys/module/netfs ]; then pinscope_fact netfs loaded
  elif grep -qs ' netfs_extract_user_iter$' /proc/kallsyms; then pinscope_fact netfs built-in
  else pinscope_fact netfs absent; fi
  pinscope_fact traceable "$(pinscope_yes grep -qE '^netfs_extract_user_iter( |$)' "$t/available_filter_functions")"
  pinscope_fact kprobe_events "$(pinscope_yes [ -w "$t/kprobe_events" ])"
  pinscope_fact dynamic_events "$(pinscope_yes [ -w "$t/dynamic_events" ])"
  pinscope_fact fprobe "$(pinscope_yes grep -qE '^[[:space:]]*f\\[:' "$t/README")"
  pinscope_fact function_graph "$(pinscope_yes grep -qw function_graph "$t/available_tracers")"
  pinscope_fact btf "$(pinscope_yes [ -e /sys/kernel/btf/vmlinux ])"
  pinscope_fact btf_netfs "$(pinscope_yes [ -e /sys/kernel/btf/netfs ])"
  pinscope_fact bpftrace "$(command -v bpftrace 2>/dev/null || echo none)"
  command -v bpftrace >/dev/null 2>&1 && pinscope_fact bpftrace_version "$(bpftrace --version 2>&1 | head -n 1)"
  pinscope_fact nproc "$(grep -c '^processor' /proc/cpuinfo 2>/dev/null || echo '?')"
  echo "# pinscope-probed"
}
${RECORD_FUNCTIONS}pinscope_probe
`;
}

// Shared by part two; defined in part one so that part two is only the plan.
// PINSCOPE_T tracefs, PINSCOPE_ID, PINSCOPE_DEFS (file<TAB>definition lines),
// PINSCOPE_EVENTS, PINSCOPE_FILTERS (event<TAB>filter lines), PINSCOPE_TRACER,
// PINSCOPE_DURATION; the workload is "$@".
const RECORD_FUNCTIONS = `pinscope_say() { echo "# pinscope-$1: $2" 2>/dev/null; }
pinscope_fail() { pinscope_say error "$1"; PINSCOPE_STATUS=2; exit 2; }
pinscope_stats() {
  e=0; o=0
  [ -n "$PINSCOPE_MADE" ] || return 0
  for f in "$PINSCOPE_I"/per_cpu/cpu*/stats; do
    n=$(sed -n 's/^entries: //p' "$f"); e=$((e + \${n:-0}))
    n=$(sed -n 's/^overrun: //p' "$f"); o=$((o + \${n:-0}))
  done
}
# bpftrace exits cleanly on SIGINT (its probes detach); one that does not gets TERM after 10 s, KILL after 15.
pinscope_bpftrace_stop() {
  [ -s "$PINSCOPE_W/bpftrace.pid" ] || return 0
  b=$(cat "$PINSCOPE_W/bpftrace.pid")
  kill -INT "$b" 2>/dev/null
  n=0
  while kill -0 "$b" 2>/dev/null; do
    n=$((n + 1))
    [ $n -eq 100 ] && kill -TERM "$b" 2>/dev/null
    [ $n -ge 150 ] && { kill -KILL "$b" 2>/dev/null; break; }
    sleep 0.1 2>/dev/null || sleep 1
  done
  [ -s "$PINSCOPE_W/attached.pid" ] && kill "$(cat "$PINSCOPE_W/attached.pid")" 2>/dev/null
  [ -s "$PINSCOPE_W/bpftrace.err" ] && cat "$PINSCOPE_W/bpftrace.err" >&2
  : > "$PINSCOPE_W/bpftrace.pid"
  PINSCOPE_BPID=$b
}
pinscope_cleanup() {
  trap '' PIPE INT TERM HUP
  pinscope_bpftrace_stop
  for p in $PINSCOPE_PIDS; do kill "$p" 2>/dev/null; done
  [ -s "$PINSCOPE_W/workload.pid" ] && kill "$(cat "$PINSCOPE_W/workload.pid")" 2>/dev/null
  failed=
  if [ -n "$PINSCOPE_MADE" ]; then
    echo 0 > "$PINSCOPE_I/tracing_on" 2>/dev/null
    for e in $PINSCOPE_EVENTS; do
      [ -e "$PINSCOPE_I/events/$PINSCOPE_G/$e/enable" ] && { echo 0 > "$PINSCOPE_I/events/$PINSCOPE_G/$e/enable" || failed="$failed disable:$e"; }
    done
    [ -n "$PINSCOPE_TRACER" ] && echo nop > "$PINSCOPE_I/current_tracer" 2>/dev/null
    [ -n "$PINSCOPE_READER" ] && { kill "$PINSCOPE_READER" 2>/dev/null; wait "$PINSCOPE_READER" 2>/dev/null; }
    rmdir "$PINSCOPE_I" 2>/dev/null || failed="$failed instance"
  fi
  # Only our group's probes, from the file each was defined in.
  for file in kprobe_events dynamic_events; do
    [ -e "$PINSCOPE_T/$file" ] || continue
    for name in $(sed -n "s/^[a-z0-9]*:\\($PINSCOPE_G\\/[^ ]*\\) .*/\\1/p" "$PINSCOPE_T/$file" 2>/dev/null); do
      echo "-:$name" >> "$PINSCOPE_T/$file" 2>/dev/null
    done
  done
  grep -qs "^[a-z0-9]*:$PINSCOPE_G/" "$PINSCOPE_T/kprobe_events" "$PINSCOPE_T/dynamic_events" && failed="$failed probes"
  # A kprobe bcc or libbpf defined in kprobe_events for this bpftrace (their fallback without perf kprobes).
  if [ -n "$PINSCOPE_BPID" ] && [ -e "$PINSCOPE_T/kprobe_events" ]; then
    for pat in "[^ ]*_bcc_$PINSCOPE_BPID" "libbpf_\${PINSCOPE_BPID}_[^ ]*"; do
      for name in $(sed -n "s/^[a-z0-9]*:\\([^ ]*\\/$pat\\) .*/\\1/p" "$PINSCOPE_T/kprobe_events" 2>/dev/null); do
        echo "-:$name" >> "$PINSCOPE_T/kprobe_events" 2>/dev/null
      done
      grep -qs "^[a-z0-9]*:[^ ]*/$pat " "$PINSCOPE_T/kprobe_events" && failed="$failed bpftrace-probes"
    done
  fi
  rm -rf "$PINSCOPE_W"
  if [ -n "$PINSCOPE_LOST" ]; then :
  elif [ -n "$failed" ]; then pinscope_say cleanup "failed:$failed"; else pinscope_say cleanup done; fi
  exit "\${PINSCOPE_STATUS:-0}"
}
pinscope_step() { "$@" || pinscope_fail "$PINSCOPE_DOING failed"; }
pinscope_record() {
  PINSCOPE_G="pinscope_$PINSCOPE_ID"
  PINSCOPE_I="$PINSCOPE_T/instances/pinscope-$PINSCOPE_ID"
  PINSCOPE_PIDS= PINSCOPE_MADE= PINSCOPE_READER= PINSCOPE_LOST= PINSCOPE_BPID= PINSCOPE_STATUS=0
  PINSCOPE_W=$(mktemp -d "\${TMPDIR:-/tmp}/pinscope-$PINSCOPE_ID.XXXXXX") || pinscope_fail "cannot make a temporary folder in \${TMPDIR:-/tmp}"
  trap pinscope_cleanup EXIT
  trap 'PINSCOPE_STATUS=130; exit 130' INT TERM HUP
  trap 'PINSCOPE_STATUS=141; exit 141' PIPE
  PINSCOPE_DOING="making the event channel"; pinscope_step mkfifo "$PINSCOPE_W/events"
  exec 4<>"$PINSCOPE_W/events"
  [ -n "$PINSCOPE_BT" ] && pinscope_record_bpftrace "$@"
  PINSCOPE_DOING="creating instances/pinscope-$PINSCOPE_ID"; pinscope_step mkdir "$PINSCOPE_I"
  PINSCOPE_MADE=1
  echo 0 > "$PINSCOPE_I/tracing_on"
  tab=$(printf '\\t')
  while IFS=$tab read -r file def; do
    [ -n "$def" ] || continue
    PINSCOPE_DOING="defining \${def%% *} in $file"
    echo "$def" >> "$PINSCOPE_T/$file" || pinscope_fail "$PINSCOPE_DOING failed"
  done <<PINSCOPE_DEFS_END
$PINSCOPE_DEFS
PINSCOPE_DEFS_END
  while IFS=$tab read -r event filter; do
    [ -n "$event" ] || continue
    PINSCOPE_DOING="setting the filter of $event"
    echo "$filter" > "$PINSCOPE_I/events/$PINSCOPE_G/$event/filter" || pinscope_fail "$PINSCOPE_DOING failed"
  done <<PINSCOPE_FILTERS_END
$PINSCOPE_FILTERS
PINSCOPE_FILTERS_END
  for e in $PINSCOPE_EVENTS; do
    PINSCOPE_DOING="enabling $PINSCOPE_G/$e in the instance"
    echo 1 > "$PINSCOPE_I/events/$PINSCOPE_G/$e/enable" || pinscope_fail "$PINSCOPE_DOING failed"
  done
  if [ "$PINSCOPE_TRACER" = function_graph ]; then
    PINSCOPE_DOING="setting up function_graph in the instance"
    # An instance has no set_graph_function (6.12): the filter names the function and what nests in it.
    { printf '%s\\n' netfs_extract_user_iter pin_user_pages_fast unpin_user_page > "$PINSCOPE_I/set_ftrace_filter" && echo function_graph > "$PINSCOPE_I/current_tracer" &&
      echo funcgraph-proc > "$PINSCOPE_I/trace_options" && echo funcgraph-abstime > "$PINSCOPE_I/trace_options"; } || pinscope_fail "$PINSCOPE_DOING failed"
  fi
  [ -n "$PINSCOPE_FAIL_AT" ] && pinscope_fail "$PINSCOPE_FAIL_AT (asked to fail here)"
  # dd, not cat: busybox cat sendfile()s, and a splice from trace_pipe into a pipe holds that pipe's
  # lock while it waits for the next event, so with stdout a pipe (sshd, docker exec) the messages
  # and the heartbeat block, and so does sshd closing its end, until an event comes. dd read()s.
  dd if="$PINSCOPE_I/trace_pipe" bs=65536 & PINSCOPE_READER=$!
  echo 1 > "$PINSCOPE_I/tracing_on"
  pinscope_say status recording
  # Each watcher writes one line to the event channel; the first one decides.
  ( if IFS= read -r line <&3; then echo "stop $line" >&4; else echo stdin-closed >&4; fi ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  ( trap '' PIPE; while sleep 1; do pinscope_stats; echo "# pinscope-alive: entries=$e overrun=$o" || break; done; echo stdout-closed >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  if [ "\${PINSCOPE_DURATION:-0}" -gt 0 ]; then ( sleep "$PINSCOPE_DURATION"; echo duration >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"; fi
  if [ $# -gt 0 ]; then
    ( "$@" </dev/null >&2 & echo $! > "$PINSCOPE_W/workload.pid"; wait $!; echo "workload $?" >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  fi
  IFS= read -r why <&4
  # The host is gone: clean up without writing (a channel may block writers, not fail them).
  case "$why" in stdin-closed|stdout-closed) PINSCOPE_LOST=1; exit 0 ;; esac
  [ "\${why%% *}" = workload ] && pinscope_say workload "exit=\${why#workload }"
  # Drain: no new events, then wait (up to 3 s) until the reader has taken what is left.
  echo 0 > "$PINSCOPE_I/tracing_on"
  n=0
  while [ $n -lt 30 ]; do pinscope_stats; [ "$e" -eq 0 ] && break; sleep 0.1 2>/dev/null || sleep 1; n=$((n + 1)); done
  sleep 0.2 2>/dev/null || sleep 1
  pinscope_stats
  pinscope_say end "reason=\${why%% *} overrun=$o"
  exit 0
}
pinscope_watch_host() {
  ( if IFS= read -r line <&3; then echo "stop $line" >&4; else echo stdin-closed >&4; fi ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  ( trap '' PIPE; while sleep 1; do echo "# pinscope-alive: entries=0 overrun=0" || break; done; echo stdout-closed >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
}
pinscope_record_bpftrace() {
  PINSCOPE_DOING="writing the bpftrace program"
  { printf '%s\n' "$PINSCOPE_BT" > "$PINSCOPE_W/pinscope.bt" &&
    printf '%s\n' 'echo $$ > attached.pid' ': > attached' 'exec sleep 2147483647' > "$PINSCOPE_W/attached.sh"; } || pinscope_fail "$PINSCOPE_DOING failed"
  [ -n "$PINSCOPE_FAIL_AT" ] && pinscope_fail "$PINSCOPE_FAIL_AT (asked to fail here)"
  # bpftrace starts its -c command once every probe is attached: that command says so. -B line: each
  # line is one write, never mixed with the heartbeat's. Relative paths: -c is split at spaces.
  ( cd "$PINSCOPE_W" || exit 1; bpftrace -B line -c 'sh attached.sh' pinscope.bt 2>bpftrace.err & echo $! > bpftrace.pid; wait $!; echo "bpftrace $?" >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  ( while [ ! -e "$PINSCOPE_W/attached" ]; do sleep 0.2 2>/dev/null || sleep 1; done; echo attached >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  # The host hears from us while bpftrace compiles and attaches (seconds; longer on a slow VM).
  pinscope_watch_host
  IFS= read -r why <&4
  case "$why" in
    attached) ;;
    stdin-closed|stdout-closed) PINSCOPE_LOST=1; exit 0 ;;
    bpftrace*) pinscope_fail "bpftrace exited (status \${why#bpftrace }) before its probes were attached: $(tail -n 4 "$PINSCOPE_W/bpftrace.err" 2>/dev/null | tr '\n' ' ')" ;;
    *) pinscope_bpftrace_stop; pinscope_say end "reason=\${why%% *} overrun=0"; exit 0 ;;
  esac
  pinscope_say status recording
  if [ "\${PINSCOPE_DURATION:-0}" -gt 0 ]; then ( sleep "$PINSCOPE_DURATION"; echo duration >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"; fi
  if [ $# -gt 0 ]; then
    ( "$@" </dev/null >&2 & echo $! > "$PINSCOPE_W/workload.pid"; wait $!; echo "workload $?" >&4 ) & PINSCOPE_PIDS="$PINSCOPE_PIDS $!"
  fi
  IFS= read -r why <&4
  case "$why" in stdin-closed|stdout-closed) PINSCOPE_LOST=1; exit 0 ;; esac
  [ "\${why%% *}" = workload ] && pinscope_say workload "exit=\${why#workload }"
  [ "\${why%% *}" = bpftrace ] && pinscope_say error "bpftrace stopped by itself (status \${why#bpftrace }): $(tail -n 4 "$PINSCOPE_W/bpftrace.err" 2>/dev/null | tr '\n' ' ')"
  # Drain: bpftrace reads its perf buffers every 100 ms, but on SIGINT it may exit without the last
  # events (0.17 in the test guest lost the last return): a second first, then SIGINT.
  sleep 1
  pinscope_bpftrace_stop
  pinscope_say end "reason=\${why%% *} overrun=0"
  exit 0
}
`;

export interface RecordPlan {
  /** A short id ([a-z0-9]+): the probe group pinscope_<id> and the instance pinscope-<id>. */
  readonly id: string;
  readonly kind: RecordKind;
  /** Probe definitions and the tracefs file each goes in. */
  readonly definitions: ReadonlyArray<{ readonly file: 'kprobe_events' | 'dynamic_events'; readonly text: string }>;
  readonly filters: Readonly<Record<string, string>>;
  /** Seconds; 0 or absent: until Stop (or the workload's end). */
  readonly duration?: number;
  /** Run on the target while recording; each word is quoted, never pasted. */
  readonly workload?: readonly string[];
  /** Tests: make the step after setting up fail, to see the cleanup run. */
  readonly failAfterSetup?: boolean;
  /** --kind bpftrace: the program bpftrace runs (instead of definitions, filters and an instance). */
  readonly bpftrace?: string;
}

/** The event names of a plan's definitions ("xui_entry" of "p:group/xui_entry …"). */
export function eventNames(plan: Pick<RecordPlan, 'definitions'>): string[] {
  return plan.definitions.map((d) => d.text.split(' ')[0]!.split('/')[1]!);
}

/** Part two: the plan, then recording. */
export function recordScript(plan: RecordPlan): string {
  if (!/^[a-z0-9]{1,16}$/.test(plan.id)) throw new Error(`recording id ${JSON.stringify(plan.id)}: expected 1–16 of [a-z0-9]`);
  const defs = plan.definitions.map((d) => `${d.file}\t${d.text}`).join('\n');
  const filters = Object.entries(plan.filters)
    .map(([event, filter]) => `${event}\t${filter}`)
    .join('\n');
  const duration = Math.max(0, Math.floor(plan.duration ?? 0));
  const workload = plan.workload ?? [];
  // One compound command: the shell reads all of it before running any, so
  // nothing after it on stdin (Stop) is taken for script.
  return `# Pinscope recording script, part 2 of 2: record ${plan.kind} ${plan.bpftrace ? 'with bpftrace (no instance, no probe definitions)' : `into instances/pinscope-${plan.id}`}.
{
PINSCOPE_ID=${shQuote(plan.id)}
PINSCOPE_DEFS=${shQuote(defs)}
PINSCOPE_EVENTS=${shQuote(eventNames(plan).join(' '))}
PINSCOPE_FILTERS=${shQuote(filters)}
PINSCOPE_TRACER=${shQuote(plan.kind === 'function_graph' ? 'function_graph' : '')}
PINSCOPE_DURATION=${duration}
PINSCOPE_FAIL_AT=${shQuote(plan.failAfterSetup ? 'the step after setting up' : '')}
PINSCOPE_BT=${shQuote(plan.bpftrace ?? '')}
set -- ${workload.map(shQuote).join(' ')}
pinscope_record "$@"
}
`;
}
