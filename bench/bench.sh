#!/usr/bin/env bash
# make bench: build/init side by side with tini, dumb-init and catatonit in
# the same run, one markdown table with ratios to tini (issue 6), plus the
# log throughput (issue 3), watchdog tick cost (issue 4) and health probe
# cost figures; then a second table: the log pipeline against s6-log,
# svlogd and multilog, with `cat > file` as the ceiling (paired runs on a
# tmpfs, section 10).
#
# Runs as root (PID namespaces through `unshare --pid --fork --mount-proc`).
# The machine may be noisy: every figure is a median, the inits are measured
# interleaved (round-robin, or side by side at the same time) and compared
# with each other, never with figures from another run.
#
# Knobs (environment): BENCH_TRUE_RUNS [500], BENCH_SIGNALS [1000],
# BENCH_ZOMBIES [10000], BENCH_ZOMBIE_RUNS [3], BENCH_IDLE_SECONDS [20],
# BENCH_LOG_BYTES [1073741824], BENCH_LOG_RUNS [3], BENCH_TICK_SECONDS [10],
# BENCH_TREES ["1 100 1000"], BENCH_PROBE_SECONDS [10], BENCH_SERVICES [50],
# BENCH_LOGTAB_BYTES [268435456], BENCH_LOGTAB_PAIRS [7], BENCH_ONLY [all,
# or "logtab": just the log table].  Helpers come from build/bench and
# build/fixtures/httpd (make bench).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
INIT=$ROOT/build/init
INIT_ARM=$ROOT/build/aarch64/init
B=$ROOT/build/bench
HTTPD=$ROOT/build/fixtures/httpd

TRUE_RUNS=${BENCH_TRUE_RUNS:-500}
SIGNALS=${BENCH_SIGNALS:-1000}
ZOMBIES=${BENCH_ZOMBIES:-10000}
ZOMBIE_RUNS=${BENCH_ZOMBIE_RUNS:-3}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-20}
LOG_BYTES=${BENCH_LOG_BYTES:-1073741824}
LOG_RUNS=${BENCH_LOG_RUNS:-3}
TICK_SECONDS=${BENCH_TICK_SECONDS:-10}
TREES=${BENCH_TREES:-1 100 1000}
PROBE_SECONDS=${BENCH_PROBE_SECONDS:-10}
TICK_INTERVAL=0.1
LT_BYTES=${BENCH_LOGTAB_BYTES:-268435456}
LT_PAIRS=${BENCH_LOGTAB_PAIRS:-7}
ONLY=${BENCH_ONLY:-all}
# The shortest period the keys allow: HEALTH_TIMEOUT (0.1 s at least) must be
# shorter than HEALTH_INTERVAL.
PROBE_INTERVAL=0.11
SERVICES=${BENCH_SERVICES:-50}
NS=(unshare --pid --fork --mount-proc)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# ---- setup -------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root (PID namespaces)"
for f in init init_arm httpd timer siglat sigack loggen zombies rtime tally; do
	case $f in init) p=$INIT ;; init_arm) p=$INIT_ARM ;; httpd) p=$HTTPD ;;
	*) p=$B/$f ;; esac
	[ -x "$p" ] || die "$p missing: run make bench"
done

if ! command -v s6-log >/dev/null || ! command -v svlogd >/dev/null ||
	! command -v multilog >/dev/null; then
	say "bench: installing peers: apt-get install -y s6 runit daemontools"
	apt-get install -y s6 runit daemontools >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
			apt-get install -y s6 runit daemontools >/dev/null 2>&1; } ||
		die "could not install s6, runit and daemontools"
fi
if ! command -v tini >/dev/null || ! command -v tini-static >/dev/null ||
	! command -v dumb-init >/dev/null || ! command -v catatonit >/dev/null; then
	say "bench: installing peers: apt-get install -y tini dumb-init catatonit"
	apt-get install -y tini dumb-init catatonit >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
			apt-get install -y tini dumb-init catatonit >/dev/null 2>&1; } ||
		apt-get install -y tini dumb-init >/dev/null 2>&1 ||
		die "could not install tini and dumb-init"
fi
TINI=$(command -v tini)
TINIS=$(command -v tini-static)
DUMB=$(command -v dumb-init)
CATA=$(command -v catatonit || true)

TMP=$(mktemp -d "${TMPDIR:-/var/tmp}/init-bench.XXXXXX")
BG=()			# background unshare processes still to end
HTTPD_PID=		# the probes' server, while it runs

# Ends every namespace we started: SIGTERM to its PID 1 (which passes it
# on to its child and exits), SIGKILL after 3 s, then waits for unshare.
# Redirected as a group so that bash's "Killed" notices stay quiet.
reap_bg() {
	local u x i alive
	{
		for u in "${BG[@]}"; do
			for x in $(kids "$u"); do kill -TERM "$x" || true; done
		done
		for ((i = 0; i < 300; i++)); do
			alive=0
			for u in "${BG[@]}"; do
				[ -n "$(kids "$u")" ] && alive=1
			done
			[ "$alive" = 0 ] && break
			sleep 0.01
		done
		for u in "${BG[@]}"; do
			for x in $(kids "$u"); do kill -KILL "$x" || true; done
			kill -KILL "$u" || true
		done
		for u in "${BG[@]}"; do wait "$u" || true; done
	} 2>/dev/null
	BG=()
}
# Runs a helper in the background and waits, so that a signal to this
# script runs the trap at once; its output goes to the array OUT.
HELPER=
helper() {
	"$@" >"$TMP/helper.out" &
	HELPER=$!
	wait "$HELPER" || die "$(basename "$1") failed"
	HELPER=
	mapfile -t OUT <"$TMP/helper.out"
}
# SIGKILL to PID and everything below it.
kill_tree() {
	local c
	kill -STOP "$1" 2>/dev/null || return 0
	for c in $(kids "$1"); do kill_tree "$c"; done
	kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$HELPER" ]; then
		kill_tree "$HELPER"
		wait "$HELPER" 2>/dev/null || true
	fi
	reap_bg
	mountpoint -q "$TMP/fs" 2>/dev/null && umount "$TMP/fs"
	if [ -n "$HTTPD_PID" ]; then
		kill "$HTTPD_PID" 2>/dev/null || true
		wait "$HTTPD_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The children of PID (it is single-threaded).
kids() { cat "/proc/$1/task/$1/children" 2>/dev/null || true; }

# The first child of PID, once it exists (5 s at most).
child_of() {
	local i c
	for ((i = 0; i < 500; i++)); do
		c=$(kids "$1")
		if [ -n "$c" ]; then
			printf '%s\n' "${c%% *}"
			return 0
		fi
		sleep 0.01
	done
	die "no child of $1"
}

# A field of /proc/PID/status, as a number.
status_of() {
	awk -v k="$2:" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' \
		"/proc/$1/status" 2>/dev/null || echo 0
}

# CPU time of PID: "NS TICKS" (schedstat run time, utime+stime in clock ticks).
cpu_of() {
	local run stat
	read -r run _ <"/proc/$1/schedstat"
	stat=$(<"/proc/$1/stat")
	stat=${stat##*) }
	# shellcheck disable=SC2086  # split the fields after comm
	set -- $stat
	printf '%s %s\n' "$run" "$((${12} + ${13}))"
}

now() { date +%s.%N; }

# awk arithmetic on a few numbers: calc 'a / b' A B
calc() {
	local e=$1
	shift
	awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { printf \"%s\", $e }"
}
# ours/tini, or n/a when tini's figure is 0 or missing.
ratio() {
	if [ -z "${2:-}" ] || [ "$(calc '(b == 0)' "$1" "$2")" = 1 ]; then
		echo "n/a"
	else
		calc 'sprintf(a / b >= 0.1 ? "%.2f" : "%.2g", a / b)' "$1" "$2"
	fi
}
us() { calc 'sprintf("%.0f", a / 1000)' "$1"; }
us1() { calc 'sprintf("%.1f", a / 1000)' "$1"; }
ms() { calc 'sprintf("%.1f", a / 1000000)' "$1"; }

ROWS=()
row() {
	local r="|" c
	for c in "$@"; do r+=" $c |"; done
	ROWS+=("$r")
}

# ---- header --------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
printf '# make bench: process-supervisor vs tini, dumb-init, catatonit\n\n'
knobs=$(env | grep '^BENCH_' | sort | tr '\n' ' ' || true)
printf -- "- command: \`%s\`%s\n" "${knobs}bench/bench.sh${*:+ $*}" \
	"${MAKELEVEL:+ (via \`make bench\`)}"
printf -- '- date: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')"
printf -- '- kernel: %s\n' "$(uname -srm)"
printf -- '- CPU: %s, %s online CPUs; load average %s\n' "${cpu:-unknown}" \
	"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf -- '- peers: %s, %s, %s\n' "$("$TINI" --version 2>&1 | head -n1)" \
	"$("$DUMB" --version 2>&1 | head -n1)" \
	"${CATA:+catatonit $(dpkg-query -W -f '${Version}' catatonit 2>/dev/null)}"
printf -- '- ours: %s (%s)\n\n' "$("$INIT" --version 2>&1 | head -n1)" \
	"$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"

# Sections 1-9 (BENCH_ONLY=logtab skips them; not indented, to keep the diff small).
if [ "$ONLY" != logtab ]; then

# ---- 1. static binary size ---------------------------------------------

say "bench: 1/10 binary sizes"
size_of() { stat -L -c %s "$1"; }
s_ours=$(size_of "$INIT")
s_tini=$(size_of "$TINIS")
s_dumb=$(size_of "$DUMB")
dumb_kind=static
file -L "$DUMB" 2>/dev/null | grep -q 'dynamically linked' && dumb_kind="dynamic, +glibc"
s_cata=-
[ -n "$CATA" ] && s_cata=$(size_of "$CATA")
row "binary size, bytes (tini: tini-static)" "$s_ours" "$s_tini" \
	"$s_dumb ($dumb_kind)" "$s_cata" "$(ratio "$s_ours" "$s_tini")"
row "binary size, aarch64 build, bytes (x86-64: the row above; goal for both: < 100 KiB = 102400)" \
	"$(size_of "$INIT_ARM")" "-" "-" "-" "-"

# ---- 2 + 4. idle RSS and idle wakeups, all side by side ------------------

say "bench: 2/10 + 4/10 idle RSS and wakeups (${IDLE_SECONDS}s, all inits at once)"
IDLE_NAMES=(ours ours_wd tini tini_static dumb)
[ -n "$CATA" ] && IDLE_NAMES+=(cata)
declare -A UPID XPID RSS VCS0 VCS1
for n in "${IDLE_NAMES[@]}"; do
	case $n in
	ours) cmd=("$INIT" --) ;;
	ours_wd) cmd=(env INIT_MAX_MEM_MB=1000 INIT_CHECK_INTERVAL=2 "$INIT" --) ;;
	tini) cmd=("$TINI" --) ;;
	tini_static) cmd=("$TINIS" --) ;;
	dumb) cmd=("$DUMB") ;;
	cata) cmd=("$CATA" --) ;;
	esac
	"${NS[@]}" "${cmd[@]}" sleep 600 </dev/null >/dev/null 2>&1 &
	UPID[$n]=$!
	BG+=("$!")
done
for n in "${IDLE_NAMES[@]}"; do XPID[$n]=$(child_of "${UPID[$n]}"); done
sleep 2		# past start-up
for n in "${IDLE_NAMES[@]}"; do VCS0[$n]=$(status_of "${XPID[$n]}" voluntary_ctxt_switches); done
t0=$(now)
sleep "$IDLE_SECONDS"
for n in "${IDLE_NAMES[@]}"; do
	VCS1[$n]=$(status_of "${XPID[$n]}" voluntary_ctxt_switches)
	RSS[$n]=$(status_of "${XPID[$n]}" VmRSS)
done
t1=$(now)
for n in "${IDLE_NAMES[@]}"; do
	[ -n "$(kids "${XPID[$n]}")" ] || die "$n: its sleep child is gone"
done
reap_bg
declare -A WAKE
for n in "${IDLE_NAMES[@]}"; do
	WAKE[$n]=$(calc 'sprintf("%.1f", (b - a) * 60 / c)' "${VCS0[$n]}" \
		"${VCS1[$n]}" "$(calc 'b - a' "$t0" "$t1")")
done
row "idle RSS as PID 1, VmRSS kB (tini-static in brackets)" "${RSS[ours]}" \
	"${RSS[tini]} (${RSS[tini_static]})" "${RSS[dumb]}" "${RSS[cata]:--}" \
	"$(ratio "${RSS[ours]}" "${RSS[tini]}")"
row "idle wakeups/min as PID 1, watchdog off" "${WAKE[ours]}" \
	"${WAKE[tini]} (${WAKE[tini_static]})" "${WAKE[dumb]}" "${WAKE[cata]:--}" \
	"$(ratio "${WAKE[ours]}" "${WAKE[tini]}")"
row "idle wakeups/min, watchdog on (MAX_MEM_MB=1000, CHECK_INTERVAL=2)" \
	"${WAKE[ours_wd]}" "-" "-" "-" "$(ratio "${WAKE[ours_wd]}" "${WAKE[tini]}")"

# ---- 3. X -- /bin/true ---------------------------------------------------

say "bench: 3/10 start-up: X -- /bin/true x $TRUE_RUNS (interleaved)"
TRUE_CMDS=(/bin/true :: "$INIT" -- /bin/true :: "$TINI" -- /bin/true
	:: "$TINIS" -- /bin/true :: "$DUMB" /bin/true)
[ -n "$CATA" ] && TRUE_CMDS+=(:: "$CATA" -- /bin/true)
helper "$B/timer" -n "$TRUE_RUNS" "${TRUE_CMDS[@]}"
out=("${OUT[@]}")
# fields: index runs median p99 min max failed hwm chwm dirbytes
med() { local f; read -ra f <<<"${out[$1]}"; printf '%s\n' "${f[2]}"; }
p99() { local f; read -ra f <<<"${out[$1]}"; printf '%s\n' "${f[3]}"; }
failed() { local f; read -ra f <<<"${out[$1]}"; printf '%s\n' "${f[6]}"; }
for i in "${!out[@]}"; do
	[ "$(failed "$i")" = 0 ] || die "start-up: command $i failed"
done
t_cata=-
[ -n "$CATA" ] && t_cata=$(us "$(med 5)")
row "\`X -- /bin/true\` wall, median of $TRUE_RUNS, µs (bare /bin/true: $(us "$(med 0)"); tini-static in brackets)" \
	"$(us "$(med 1)")" "$(us "$(med 2)") ($(us "$(med 3)"))" "$(us "$(med 4)")" \
	"$t_cata" "$(ratio "$(med 1)" "$(med 2)")"

# ---- 5. reaping 10 000 zombies ------------------------------------------

say "bench: 5/10 reap $ZOMBIES zombies as PID 1 x $ZOMBIE_RUNS (interleaved)"
Z=(:: "${NS[@]}")
ZARGS=("$B/zombies" "$ZOMBIES" "$TMP/release")
ZCMDS=("${NS[@]}" "$INIT" -- "${ZARGS[@]}" "${Z[@]}" "$TINI" -- "${ZARGS[@]}"
	"${Z[@]}" "$DUMB" "${ZARGS[@]}")
[ -n "$CATA" ] && ZCMDS+=("${Z[@]}" "$CATA" -- "${ZARGS[@]}")
helper "$B/timer" -n "$ZOMBIE_RUNS" -r "$TMP/release" "${ZCMDS[@]}"
out=("${OUT[@]}")
for i in "${!out[@]}"; do
	[ "$(failed "$i")" = 0 ] || say "bench: note: zombies: command $i exited non-zero"
done
z_cata=-
[ -n "$CATA" ] && z_cata=$(ms "$(med 3)")
row "reap $ZOMBIES zombies as PID 1 (release to exit), median of $ZOMBIE_RUNS, ms" \
	"$(ms "$(med 0)")" "$(ms "$(med 1)")" "$(ms "$(med 2)")" "$z_cata" \
	"$(ratio "$(med 0)" "$(med 1)")"

# ---- 6. signal forwarding latency ----------------------------------------

say "bench: 6/10 SIGUSR1 latency to PID 1 -> child handler x $SIGNALS (interleaved)"
S=(:: "${NS[@]}")
SCMDS=("${NS[@]}" "$INIT" -- "$B/sigack" "${S[@]}" "$TINI" -- "$B/sigack"
	"${S[@]}" "$DUMB" "$B/sigack")
[ -n "$CATA" ] && SCMDS+=("${S[@]}" "$CATA" -- "$B/sigack")
helper "$B/siglat" -n "$SIGNALS" -1 "${SCMDS[@]}"
out=("${OUT[@]}")
[ "${#out[@]}" -ge 3 ] || die "signal latency failed"
l_cata=(- -)
[ -n "$CATA" ] && l_cata=("$(us1 "$(med 3)")" "$(us1 "$(p99 3)")")
row "SIGUSR1 to PID 1 until the child's handler runs, median of $SIGNALS, µs" \
	"$(us1 "$(med 0)")" "$(us1 "$(med 1)")" "$(us1 "$(med 2)")" "${l_cata[0]}" \
	"$(ratio "$(med 0)" "$(med 1)")"
row "same, p99, µs" "$(us1 "$(p99 0)")" "$(us1 "$(p99 1)")" \
	"$(us1 "$(p99 2)")" "${l_cata[1]}" "$(ratio "$(p99 0)" "$(p99 1)")"

# ---- 7. log throughput ---------------------------------------------------

say "bench: 7/10 log throughput: $LOG_BYTES+ bytes x $LOG_RUNS (interleaved)"
mkdir -p "$TMP/logs"
GEN=("$B/loggen" "$LOG_BYTES")
# shellcheck disable=SC2016  # expanded by sh -c
LCMDS=(sh -c '"$1" "$2" | cat' sh "${GEN[@]}"
	:: "$INIT" -- "${GEN[@]}"
	:: env INIT_LOG_DIR="$TMP/logs" "$INIT" -- "${GEN[@]}"
	:: "$TINI" -- "${GEN[@]}" :: "$DUMB" "${GEN[@]}")
# -c init: peaks of init only, not of env before its exec (1.5 MB).
helper "$B/timer" -n "$LOG_RUNS" -w -c init -e "$TMP/logs" "${LCMDS[@]}"
out=("${OUT[@]}")
for i in "${!out[@]}"; do
	[ "$(failed "$i")" = 0 ] || die "log throughput: command $i failed"
done
field() { local f; read -ra f <<<"${out[$1]}"; printf '%s\n' "${f[$2]}"; }
# bytes actually written by loggen: whole 65 500-byte writes
gen_bytes=$(calc 'sprintf("%.0f", int((a + 65499) / 65500) * 65500)' "$LOG_BYTES")
mbs() { calc 'sprintf("%.0f", a / (b / 1e9) / 1e6)' "$gen_bytes" "$(med "$1")"; }
xcat() { calc 'sprintf("%.2f", b / a)' "$(med "$1")" "$(med 0)"; }
cat_mbs=$(mbs 0)
file_mb=$(calc 'sprintf("%.0f", a / b / 1e6)' "$(field 2 9)" "$LOG_RUNS")
row "log throughput, LOG_DIR unset, stdout /dev/null, MB/s (× \`loggen | cat >/dev/null\` = $cat_mbs MB/s)" \
	"$(mbs 1) ($(xcat 1)×)" "$(mbs 3) ($(xcat 3)×)" "$(mbs 4) ($(xcat 4)×)" "-" \
	"$(ratio "$(med 3)" "$(med 1)")"
row "log throughput, LOG_DIR set (on disk, $file_mb MB file per run), stdout /dev/null, MB/s (× cat)" \
	"$(mbs 2) ($(xcat 2)×)" "-" "-" "-" "-"
row "peak RSS while logging with LOG_DIR set (VmHWM kB): init (PID 1) / its log writer" \
	"$(field 2 7) / $(field 2 8)" "-" "-" "-" "-"

# ---- 8. watchdog tick cost -----------------------------------------------

say "bench: 8/10 watchdog tick cost, CHECK_INTERVAL=$TICK_INTERVAL, trees: $TREES (${TICK_SECONDS}s each)"
for n in $TREES; do
	# shellcheck disable=SC2016  # expanded by sh -c
	env INIT_MAX_MEM_MB=1000000 INIT_CHECK_INTERVAL="$TICK_INTERVAL" \
		"${NS[@]}" "$INIT" -- sh -c 'i=0; while [ "$i" -lt "$1" ]; do
			sleep 600 & i=$((i + 1)); done; wait' sh "$n" \
		</dev/null >/dev/null 2>&1 &
	BG+=("$!")
	x=$(child_of "$!")
	shpid=$(child_of "$x")
	for ((i = 0; i < 3000; i++)); do
		read -ra k <<<"$(kids "$shpid")"
		[ "${#k[@]}" -ge "$n" ] && break
		sleep 0.01
	done
	[ "${#k[@]}" -ge "$n" ] || die "tick cost: the tree of $n did not start"
	sleep 1			# one baseline tick, settled
	read -r ns0 ct0 < <(cpu_of "$x")
	w0=$(status_of "$x" voluntary_ctxt_switches)
	t0=$(now)
	sleep "$TICK_SECONDS"
	read -r ns1 ct1 < <(cpu_of "$x")
	w1=$(status_of "$x" voluntary_ctxt_switches)
	t1=$(now)
	reap_bg
	ticks=$(calc 'a / c' "$(calc 'b - a' "$t0" "$t1")" 0 "$TICK_INTERVAL")
	hz=$(getconf CLK_TCK)
	per=$(calc '(b - a) / c / 1000' "$ns0" "$ns1" "$ticks")
	per_ct=$(calc '(b - a) * 1e6 / c' "$ct0" "$ct1" "$hz")
	per_ct=$(calc 'a / b' "$per_ct" "$ticks")
	row "watchdog tick, tree of $n sleeping processes (+ sh): init CPU per tick; CPU % at CHECK_INTERVAL=2" \
		"$(calc 'sprintf("%.0f", a)' "$per") µs/tick; $(calc 'sprintf("%.3f", a / 2e6 * 100)' "$per") % (by clock ticks: $(calc 'sprintf("%.0f", a)' "$per_ct") µs; $(calc 'b - a' "$w0" "$w1") wakeups in $(calc 'sprintf("%.0f", a)' "$ticks") ticks)" \
		"-" "-" "-" "-"
done

# The same, as PID 1 of a cgroup namespace of its own (as in a container):
# the checks read the cgroup's counters (MAX_CPU_PCT: cpu.stat).
CGROOT=/sys/fs/cgroup
[ -e "$CGROOT/cgroup.controllers" ] || CGROOT=/sys/fs/cgroup/unified
n=${TREES##* }
if [ -e "$CGROOT/cgroup.procs" ] && mkdir "$CGROOT/init-bench-$$" 2>/dev/null; then
	# shellcheck disable=SC2016  # expanded by sh -c
	(
		echo "$BASHPID" >"$CGROOT/init-bench-$$/cgroup.procs"
		exec env INIT_MAX_CPU_PCT=100000 INIT_CHECK_INTERVAL="$TICK_INTERVAL" \
			unshare --cgroup --mount --pid --fork --mount-proc --propagation private \
			sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh \
			"$INIT" -- sh -c 'i=0; while [ "$i" -lt "$1" ]; do
				sleep 600 & i=$((i + 1)); done; wait' sh "$n"
	) </dev/null >/dev/null 2>&1 &
	BG+=("$!")
	x=$(child_of "$!")
	shpid=$(child_of "$x")
	for ((i = 0; i < 3000; i++)); do
		read -ra k <<<"$(kids "$shpid")"
		[ "${#k[@]}" -ge "$n" ] && break
		sleep 0.01
	done
	sleep 1
	read -r ns0 _ < <(cpu_of "$x")
	t0=$(now)
	sleep "$TICK_SECONDS"
	read -r ns1 _ < <(cpu_of "$x")
	t1=$(now)
	reap_bg
	rmdir "$CGROOT/init-bench-$$" 2>/dev/null || true
	ticks=$(calc 'a / c' "$(calc 'b - a' "$t0" "$t1")" 0 "$TICK_INTERVAL")
	per=$(calc '(b - a) / c / 1000' "$ns0" "$ns1" "$ticks")
	row "watchdog tick, tree of $n sleeping processes, as PID 1 of its own cgroup namespace (cgroup v2 counters): init CPU per tick" \
		"$(calc 'sprintf("%.0f", a)' "$per") µs/tick" "-" "-" "-" "-"
else
	say "bench: note: no cgroup v2 tree to make a cgroup of: cgroup-mode tick skipped"
fi

# ---- 9. health probe cost -------------------------------------------------

say "bench: 9/10 health probe cost: HEALTH_CMD, HEALTH_TCP, HEALTH_HTTP one after the other, HEALTH_INTERVAL=$PROBE_INTERVAL (${PROBE_SECONDS}s each)"
echo 200 >"$TMP/httpd.mode"
"$HTTPD" "$TMP/httpd.port" "$TMP/httpd.mode" "$TMP/net.count" </dev/null >/dev/null 2>&1 &
HTTPD_PID=$!
for ((i = 0; i < 500; i++)); do
	[ -s "$TMP/httpd.port" ] && break
	sleep 0.01
done
[ -s "$TMP/httpd.port" ] || die "probe cost: httpd did not start"
port=$(cat "$TMP/httpd.port")
# count_of FILE: its lines in N (no fork: the edges below are timed).
count_of() {
	local a=()
	[ ! -f "$1" ] || mapfile -t a <"$1"
	N=${#a[@]}
}
# edge FILE: wait for FILE to gain a line (a probe ran; busy, one period at
# most), then T is the time and RUN PID x's CPU time (ns) so far.
edge() {
	local c end=$((SECONDS + 10))
	count_of "$1"
	c=$N
	while count_of "$1"; [ "$N" = "$c" ]; do
		[ "$SECONDS" -lt "$end" ] || die "probe cost: no probe in 10 s"
	done
	T=$EPOCHREALTIME
	read -r RUN _ <"/proc/$x/schedstat"
}
for kind in cmd tcp http; do
	case $kind in
	cmd) probe="HEALTH_CMD='$B/tally $TMP/cmd.count'" count=$TMP/cmd.count
		what="HEALTH_CMD (a static binary)" ;;
	tcp) probe="HEALTH_TCP=127.0.0.1:$port" count=$TMP/net.count
		what="HEALTH_TCP (loopback)" ;;
	http) probe="HEALTH_HTTP=http://127.0.0.1:$port/healthz" count=$TMP/net.count
		what="HEALTH_HTTP (loopback, 200)" ;;
	esac
	# As deployed: state file rewritten on each result, events at info.
	printf '%s\n' "NAME=probe_$kind" "COMMAND='sleep 600'" "PID_DIR=$TMP/run" \
		"$probe" "HEALTH_INTERVAL=$PROBE_INTERVAL" HEALTH_TIMEOUT=0.1 \
		HEALTH_ACTION=none >"$TMP/probe.conf"
	"${NS[@]}" "$INIT" start "$TMP/probe.conf" </dev/null >/dev/null 2>&1 &
	BG+=("$!")
	x=$(child_of "$!")
	edge "$count"
	edge "$count"		# past the first probe
	t0=$T ns0=$RUN c0=$N
	sleep "$PROBE_SECONDS"
	edge "$count"
	t1=$T ns1=$RUN c1=$N
	reap_bg
	n=$((c1 - c0))
	cpu=$(calc '(b - a) / c / 1000' "$ns0" "$ns1" "$n")
	wall=$(calc '(b - a) / c * 1e6 - 1e6 * '"$PROBE_INTERVAL" "$t0" "$t1" "$n")
	row "health probe, $what, as PID 1: its CPU per probe; wall per probe (period − HEALTH_INTERVAL); its CPU % at the default HEALTH_INTERVAL=10" \
		"$(calc 'sprintf("%.0f", a)' "$cpu") µs; $(calc 'sprintf("%.0f", a)' "$wall") µs; $(calc 'sprintf("%.4f", a / 10e6 * 100)' "$cpu") % ($n probes)" \
		"-" "-" "-" "-"
done
kill "$HTTPD_PID" 2>/dev/null || true
wait "$HTTPD_PID" 2>/dev/null || true
HTTPD_PID=


# ---- 9b. several services ----------------------------------------------------

say "bench: 9b/10 several services: init's RSS with 1 and with $SERVICES services, time to start $SERVICES"
for m in 1 "$SERVICES"; do
	d=$TMP/svc-$m
	mkdir -p "$d"
	printf '%s\n' "PID_DIR=$TMP/run-$m" >"$d/init.conf"
	for ((i = 1; i <= m; i++)); do
		printf '%s\n' "COMMAND='sleep 600'" >"$d/s$i.conf"
	done
	# One service is a file; several, a directory.
	what=$d
	[ "$m" = 1 ] && what=$d/s1.conf && printf '%s\n' "PID_DIR=$TMP/run-1" >>"$d/s1.conf"
	"${NS[@]}" "$INIT" start "$what" </dev/null >/dev/null 2>"$TMP/svc-$m.err" &
	BG+=("$!")
	x=$(child_of "$!")
	for ((i = 0; i < 3000; i++)); do
		[ "$(grep -c 'event=child_started' "$TMP/svc-$m.err")" -ge "$m" ] && break
		sleep 0.01
	done
	sleep 0.5
	rss[m]=$(status_of "$x" VmRSS)
	# First to last start, by init's own event stamps.
	start_ms[m]=$(awk -F'[=T:Z ]' '/event=started / { s = $3 * 3600000 + $4 * 60000 + $5 * 1000 }
		/event=child_started / { e = $3 * 3600000 + $4 * 60000 + $5 * 1000 }
		END { printf "%.1f", e - s }' "$TMP/svc-$m.err")
	reap_bg
done
row "init's RSS as PID 1 with 1 service / with $SERVICES (VmRSS kB; per extra service)" \
	"${rss[1]} / ${rss[$SERVICES]} ($(calc 'sprintf("%.1f", (b - a) / c)' "${rss[1]}" "${rss[$SERVICES]}" "$((SERVICES - 1))") kB each)" \
	"-" "-" "-" "-"
row "time to start $SERVICES trivial services (init's started to the last child_started), ms" \
	"${start_ms[$SERVICES]}" "-" "-" "-" "-"

fi	# BENCH_ONLY

# ---- 10. the log pipeline against other loggers --------------------------
#
# The same loggen output (100-byte lines, text) through each logger onto a
# tmpfs of our own, timestamps on.  Runs are paired, ours then the other,
# and each pair gives a ratio: the other's wall time over ours (above 1:
# ours is faster).  The ceiling is `cat > file` writing as many bytes as our
# file (through a pipe, like ours).  Ours passes every byte through to
# stdout (/dev/null) too; the peers only write their files.  CPU is that of
# the logger (wait4 rusage via rtime), per GB of input; for ours, init and
# its log writer (loggen's own CPU, measured in the peers' pipes, taken off).

say "bench: 10/10 log table: $LT_BYTES bytes x $LT_PAIRS pairs per logger (tmpfs)"
mkdir -p "$TMP/fs"
mount -t tmpfs -o "size=$((LT_BYTES * 3 + 67108864))" tmpfs "$TMP/fs"
LTD=$TMP/fs
for fmt in text json; do
	printf '%s\n' NAME=app "LOG_DIR=$LTD/logs" PID_DIR= LOG_LEVEL=warn \
		"LOG_FORMAT=$fmt" "COMMAND='$B/loggen $LT_BYTES'" >"$TMP/lt-$fmt.conf"
done
lt_bytes=$(calc 'sprintf("%.0f", int((a + 65499) / 65500) * 65500)' "$LT_BYTES")
declare -A LT_W LT_C LT_F LT_R LT_RSS
LT_G=()			# loggen's own CPU (µs) in each peer run
# rtime's line in $1: "STATUS WALL_NS USER_US SYS_US MAXRSS_KB" -> R_*
rt() {
	read -r R_ST R_W R_U R_S _ <"$1"
	[ "$R_ST" = 0 ] || die "log table: $2 failed (status $R_ST)"
}
# lt_ours FORMAT: one run of ours; sets OURS_W (ns) and OURS_F (file bytes).
lt_ours() {
	rm -rf "$LTD/logs"
	"$B/rtime" "$TMP/rt" "$INIT" start "$TMP/lt-$1.conf" </dev/null >/dev/null 2>&1 ||
		die "log table: ours ($1) failed"
	rt "$TMP/rt" "ours ($1)"
	OURS_W=$R_W
	OURS_F=$(stat -c %s "$LTD"/logs/*.log)
	LT_W[ours_$1]+="$R_W "
	LT_C[ours_$1]+="$((R_U + R_S)) "
	LT_F[ours_$1]=$OURS_F
	rm -rf "$LTD/logs"
}
# lt_peer NAME [BYTES]: one run of a peer fed by loggen.
lt_peer() {
	local n=${2:-$LT_BYTES} f
	rm -rf "$LTD/peer"
	mkdir "$LTD/peer"
	case $1 in
	s6-log) "$B/rtime" "$TMP/rg" "$B/loggen" "$n" |
		"$B/rtime" "$TMP/rt" s6-log n100 s1000000000 T "$LTD/peer" ;;
	svlogd) echo s0 >"$LTD/peer/config"
		"$B/rtime" "$TMP/rg" "$B/loggen" "$n" |
		"$B/rtime" "$TMP/rt" svlogd -tt "$LTD/peer" ;;
	multilog) "$B/rtime" "$TMP/rg" "$B/loggen" "$n" |
		"$B/rtime" "$TMP/rt" multilog t s16777215 n100 "$LTD/peer" ;;
	cat_*) "$B/rtime" "$TMP/rg" "$B/loggen" "$n" |
		"$B/rtime" "$TMP/rt" cat >"$LTD/peer/file" ;;
	esac
	rt "$TMP/rg" "loggen for $1"
	LT_G+=("$((R_U + R_S))")
	rt "$TMP/rt" "$1"
	f=$(du -sb "$LTD/peer" | cut -f1)
	LT_W[$1]+="$R_W "
	LT_C[$1]+="$((R_U + R_S)) "
	LT_F[$1]=$f
	LT_R[$1]+="$(calc 'a / b' "$R_W" "$OURS_W") "
	rm -rf "$LTD/peer"
}
for ((p = 1; p <= LT_PAIRS; p++)); do
	for peer in s6-log svlogd multilog cat_text cat_json; do
		if [ "$peer" = cat_json ]; then lt_ours json; else lt_ours text; fi
		case $peer in
		cat_*) lt_peer "$peer" "$OURS_F" ;;
		*) lt_peer "$peer" ;;
		esac
	done
done
# The writer's peak RSS while logging: its VmHWM, sampled (init's child
# of the same name); one more run of each format.
for fmt in text json; do
	rm -rf "$LTD/logs"
	helper "$B/timer" -n 1 -w -c init "$INIT" start "$TMP/lt-$fmt.conf"
	read -ra f <<<"${OUT[0]}"
	LT_RSS[$fmt]="${f[7]} / ${f[8]}"
done
umount "$TMP/fs"
# median of the numbers in $1
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END {
	print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
gen_cpu=$(median "${LT_G[*]}")
LT_ROWS=()
lt_row() {	# KEY LABEL [CPU_OFFSET_US]
	local w c
	w=$(median "${LT_W[$1]}")
	c=$(calc '(a - c) / 1e6 / (b / 1e9)' "$(median "${LT_C[$1]}")" "$lt_bytes" "${3:-0}")
	LT_ROWS+=("| $2 | $(calc 'sprintf("%.3f", a / 1e9)' "$w") | $(calc 'sprintf("%.0f", b / (a / 1e9) / 1e6)' "$w" "$lt_bytes") | $(calc 'sprintf("%.0f", a / 1e6)' "${LT_F[$1]}") | $(calc 'sprintf("%.2f", a)' "$c") |")
}
lt_row ours_text "**ours**, LOG_FORMAT=text, pass-through to /dev/null" "$gen_cpu"
LT_ROWS[-1]+=" - | ${LT_RSS[text]} |"
lt_row ours_json "**ours**, LOG_FORMAT=json, pass-through to /dev/null" "$gen_cpu"
LT_ROWS[-1]+=" - | ${LT_RSS[json]} |"
for peer in s6-log svlogd multilog cat_text cat_json; do
	case $peer in
	s6-log) label="s6-log (s6 $(dpkg-query -W -f '${Version}' s6 2>/dev/null)): \`s6-log n100 s1000000000 T DIR\`" ;;
	svlogd) label="svlogd (runit $(dpkg-query -W -f '${Version}' runit 2>/dev/null)): \`svlogd -tt DIR\`, no rotation" ;;
	multilog) label="multilog (daemontools $(dpkg-query -W -f '${Version}' daemontools 2>/dev/null)): \`multilog t s16777215 n100 DIR\`" ;;
	cat_text) label="ceiling: \`cat > file\` of as many bytes as ours (text)" ;;
	cat_json) label="ceiling: \`cat > file\` of as many bytes as ours (json)" ;;
	esac
	lt_row "$peer" "$label"
	LT_ROWS[-1]+=" $(calc 'sprintf("%.2f", a)' "$(median "${LT_R[$peer]}")") ($(tr ' ' '\n' <<<"${LT_R[$peer]}" | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f-%.2f", v[1], v[NR] }')) | - |"
done

# ---- tables --------------------------------------------------------------

if [ "${#ROWS[@]}" -gt 0 ]; then
	printf '| metric | ours | tini | dumb-init | catatonit | ours/tini |\n'
	printf '|---|---|---|---|---|---|\n'
	printf '%s\n' "${ROWS[@]}"
fi
printf '\nLog pipeline: %s bytes of 100-byte lines per run (loggen), timestamps on, tmpfs; median of %s pairs (ours, then the other).\n\n' \
	"$lt_bytes" "$LT_PAIRS"
printf '| logger | wall s | input MB/s | file MB | CPU s per GB of input | its wall ÷ ours (range) | peak RSS kB: init / log writer |\n'
printf '|---|---|---|---|---|---|---|\n'
printf '%s\n' "${LT_ROWS[@]}"
