/**
 * `Transport.snapshot` as one POSIX sh script run with one exec: it walks the requested trees
 * and runs the probes, printing a framed stream that `parseSnapshot` reads back. Works with
 * dash, bash and BusyBox ash and with only POSIX tools plus `readlink -f` and `od` (SLES 11,
 * Debian 7, BusyBox all have them); a host lacking them answers exit 97 and the caller reads
 * file by file instead.
 *
 * Processes (what a host pays per scan): the walk itself uses shell built-ins only. Sizes and
 * contents are read in batches of up to 200 entries: one `stat -c %s` for the sizes (one `ls`
 * per entry where `stat` is missing or a path vanished meanwhile) and one `od` for the contents
 * of every file in the batch; `readlink -f` runs once per symlink. So a dom0 with 100 domains
 * costs a handful of processes, not two per file. Each probe is its command, under timeout(1)
 * unless it is `quick` (it cannot hang: `virsh --version`, `modinfo`).
 *
 * Framing (why it survives hostile names): every path is printed between NUL bytes, the one
 * byte a file name cannot hold, and every content (files, probe output) as `od` hex lines
 * ending with a `.` line, so no name or content can forge a record. Records:
 *   F\0path\0<f|d|l|o> <size>\n      an entry (lstat)
 *   T\0path\0target\0\n              a symlink's resolved target (empty: dangling)
 *   L\0path\0\n                      a directory whose entries follow
 *   C\0path\0<size>\n                a regular file whose <size> bytes are in the next B record
 *   B\n<hex>.\n                      the bytes the C (or P) records since the last B announced,
 *                                    in order (a file that changed size meanwhile makes the sum
 *                                    differ: the stream is refused, the caller reads file by file)
 *   E\0path\0<list|read> <code>\n    a directory or file that could not be read
 *   P <i> skip\n                     probe i not run (its condition)
 *   P <i> <rc> <e> <o>[ u]\n        probe i's exit code (` u`: run without timeout(1)); its <e> bytes of stderr, then <o> of
 *                                    stdout, are in the last B record (one od for all probes)
 *   H <timeout 0|1>\n … Z\n          header, end of a complete stream
 */
import {quoteArgv} from './shell-quote.js'
import type {ExecOptions, ExecResult} from './transport.js'
import type {HostSnapshot, SnapshotRequest} from './snapshot.js'
import {parseSnapshot} from './snapshot-parse.js'

// Shell `${…}` expansions are written `@{…}` here (a JS template would read `${`) and put back below.
export const SNAPSHOT_SCRIPT = String.raw`
NL='
'
MAX=0 TO= SUDO= LC= SKIP=$NL N=0 NP=0 PT=0 STAT=
# Set once for every probe (not one env process per probe): probes print C-locale output.
LC_ALL=C; export LC_ALL
command -v readlink >/dev/null 2>&1 && command -v od >/dev/null 2>&1 || { echo 'xenlift snapshot: needs readlink and od' >&2; exit 97; }
command -v stat >/dev/null 2>&1 && STAT=1
rec() { printf '%s\0%s\0%s\n' "$1" "$2" "$3"; }
size() { set -f; set -- $(ls -lnd -- "$1" 2>/dev/null); set +f; SZ=$5; case $SZ in ''|*[!0-9]*) SZ=0;; esac; }
# An entry whose size (and contents, when wanted: $3 = 1) the next flush reads: path, f|l|o.
pend() { N=$((N + 1)); eval "P_$N=\$1 K_$N=\$2 W_$N=\$3"; [ "$N" -lt 200 ] || flush; }
# The pending entries' F records, with one stat for their sizes and one od for their contents.
flush() {
  M=0 CN=0
  [ "$N" -gt 0 ] || { sent; return 0; }
  set --; j=1
  while [ "$j" -le "$N" ]; do eval "set -- \"\$@\" \"\$P_$j\""; j=$((j + 1)); done
  S=; [ -z "$STAT" ] || S=$(stat -c %s "$@" 2>/dev/null) || S=
  set -f; set -- $S; set +f
  if [ "$#" -ne "$N" ]; then
    S=; j=1
    while [ "$j" -le "$N" ]; do eval "size \"\$P_$j\""; S="$S $SZ"; j=$((j + 1)); done
    set -f; set -- $S; set +f
  fi
  j=1
  while [ "$j" -le "$N" ]; do
    eval "p=\$P_$j k=\$K_$j w=\$W_$j"; z=$1; shift
    case $z in ''|*[!0-9]*) z=0;; esac
    rec F "$p" "$k $z"
    if [ "$k" = f ] && [ "$w" = 1 ] && [ "$z" -le "$MAX" ]; then
      if [ -r "$p" ]; then
        printf 'C\0%s\0%s\n' "$p" "$z"; CN=1
        [ "$z" -eq 0 ] || { M=$((M + 1)); eval "R_$M=\$p"; }
      else rec E "$p" 'read EACCES'; fi
    fi
    j=$((j + 1))
  done
  N=0
  sent
}
# The B record for what the P and C records since the last one announced, with one od: the
# probes' stderr and stdout (on its stdin: their P records came first), then the M files' contents.
sent() {
  [ "$CN" = 1 ] || [ "$NP" -gt 0 ] || return 0
  set --; j=1
  while [ "$j" -le "$M" ]; do eval "set -- \"\$@\" \"\$R_$j\""; j=$((j + 1)); done
  echo B
  if [ "$PT" -gt 0 ]; then
    { j=1; while [ "$j" -le "$NP" ]; do eval "printf '%s' \"\$X_$j\""; j=$((j + 1)); done; } | od -An -v -tx1 - "$@"
  elif [ "$M" -gt 0 ]; then od -An -v -tx1 "$@"; fi
  echo .
  NP=0 PT=0
}
resolved() {
  if [ -d "$1" ]; then rec F "$1" 'd 0'
  elif [ -f "$1" ]; then pend "$1" f "$2"
  else rec F "$1" 'o 0'; fi
}
entry() {
  if [ -h "$1" ]; then
    pend "$1" l 0
    t=$(readlink -f -- "$1" 2>/dev/null && echo .); t=@{t%.}; t=@{t%"$NL"}
    if [ -n "$t" ] && [ -e "$1" ]; then printf 'T\0%s\0%s\0\n' "$1" "$t"; resolved "$t" "$2"
    else printf 'T\0%s\0\0\n' "$1"; fi
  elif [ -d "$1" ]; then rec F "$1" 'd 0'
  elif [ -f "$1" ]; then pend "$1" f "$2"
  elif [ -e "$1" ]; then pend "$1" o 0
  fi
}
walk() {
  entry "$1" "$3"
  # A symlinked directory is entered only as a tree's own root (discovery never follows one).
  [ "$2" -gt 0 ] && [ -d "$1" ] && { [ "$4" = 1 ] || [ ! -h "$1" ]; } || return 0
  [ "$4" = 1 ] || case $SKIP in *"$NL$1$NL"*) return 0;; esac
  if [ ! -r "$1" ] || [ ! -x "$1" ]; then rec E "$1" 'list EACCES'; return 0; fi
  printf 'L\0%s\0\n' "$1"
  for q in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    if [ -e "$q" ] || [ -h "$q" ]; then walk "$q" $(($2 - 1)) "$3" 0; fi
  done
}
# A probe's stderr and stdout go into the next B record (one od for every probe and the last
# files, sent()): its P record says how many bytes of each. The capture holds stderr, then stdout, then "\n<stdout bytes> <rc>".
# probe i when argv to: \$4 is the timeout(1) prefix ($TO, or empty for a quick probe).
probe() {
  for c in $2; do
    i=@{c%?}
    eval "r=\@{rc_$i-x}"
    case $c:$r in *+:0|*-:[1-9]*) ;; *) printf 'P %s skip\n' "$1"; return 0;; esac
  done
  x=$( { o=$(eval "$SUDO$4$LC$3" </dev/null 2>&4 4>&-; r=$?; echo .; exit $r); r=$?
    o=@{o%.}; printf '%s\n%s %s' "$o" "@{#o}" "$r"; } 4>&1)
  t=@{x##*"$NL"}; x=@{x%"$NL"*}; ol=@{t% *}; r=@{t#* }
  eval "rc_$1=\$r"
  u=; [ -n "$4" ] || u=' u'
  printf 'P %s %s %s %s%s\n' "$1" "$r" $((@{#x} - ol)) "$ol" "$u"
  NP=$((NP + 1)) PT=$((PT + @{#x})); eval "X_$NP=\$x"
}
while [ $# -gt 0 ]; do
  case $1 in
    max) MAX=$2; shift 2;;
    # sudo may reset the environment (env_reset): there the locale goes on the command line.
    sudo) SUDO='sudo -n -- ' LC='env LC_ALL=C '; shift;;
    timeout) command -v timeout >/dev/null 2>&1 && TO="timeout -k 5 $2 "; shift 2;;
    skip) SKIP=$SKIP$2$NL; shift 2;;
    tree) walk "$4" "$2" "$3" 1; shift 4;;
    # Pathname expansion without field splitting (IFS empty); walk's size() needs the default IFS back.
    glob) IFS=; for g in $4; do unset IFS; if [ -e "$g" ] || [ -h "$g" ]; then walk "$g" "$2" "$3" 1; fi; done; unset IFS; shift 4;;
    probe) probe "$2" "$3" "$4" "$TO"; shift 4;;
    quick) probe "$2" "$3" "$4" ''; shift 4;;
    header) [ -n "$TO" ] && echo 'H 1' || echo 'H 0'; shift;;
    *) echo "xenlift snapshot: bad argument $1" >&2; exit 98;;
  esac
done
flush
echo Z
`.replaceAll('@{', '${')

/**
 * What `sh -s` reads on stdin: the arguments, then the script, as one braced group, so sh has
 * parsed all of it before any command runs and no command can read the rest of the script as its
 * own input (their stdin is /dev/null besides). On stdin rather than the command line because
 * the login shell parses the command line: a csh or tcsh login shell cannot take a multi-line
 * argument, and a long one shows in `ps` for nothing.
 */
export function snapshotInput(req: SnapshotRequest): string {
  return `{\nexec </dev/null\nset -- ${quoteArgv(snapshotArgs(req))}\n${SNAPSHOT_SCRIPT}\n}\n`
}

/** The script's arguments for a request (order matters: settings, header, trees, probes). */
export function snapshotArgs(req: SnapshotRequest): string[] {
  const args = ['max', String(req.maxFileBytes)]
  if (req.sudo) args.push('sudo')
  if (req.timeoutMs !== undefined && req.timeoutMs > 0) args.push('timeout', String(Math.ceil(req.timeoutMs / 1000)))
  for (const t of req.trees) for (const s of t.skip ?? []) args.push('skip', s)
  args.push('header')
  for (const t of req.trees) args.push(t.glob ? 'glob' : 'tree', String(t.depth), t.contents === false ? '0' : '1', t.path)
  req.probes.forEach((p, i) => {
    const when = (p.when ?? []).map((w) => `${w.probe}${w.ok ? '+' : '-'}`).join(' ')
    args.push(p.quick ? 'quick' : 'probe', String(i), when, quoteArgv(p.argv))
  })
  return args
}

export type RunCommand = (argv: readonly string[], opts?: ExecOptions) => Promise<ExecResult>

/**
 * Run the snapshot script through `run` (a transport's exec). Undefined when the host cannot
 * run it (no `sh`, `readlink` or `od`, or output that does not parse): the caller then reads the
 * host file by file, as before. A lost connection or a timeout throws, as any exec does.
 */
export async function runSnapshotScript(run: RunCommand, req: SnapshotRequest): Promise<HostSnapshot | undefined> {
  const perProbe = req.timeoutMs ?? 0
  const r = await run(['sh', '-s'], {
    input: snapshotInput(req),
    // Probes run one after another, each bounded; the walk itself gets one more allowance.
    ...(perProbe > 0 ? {timeoutMs: perProbe * (req.probes.length + 1)} : {}),
    // The script exports LC_ALL=C and bounds each probe itself: over SSH a bare `exec sh -s`.
    selfLimited: true,
  })
  if (r.exitCode !== 0) return undefined
  return parseSnapshot(r.stdout, req.probes.length)
}
