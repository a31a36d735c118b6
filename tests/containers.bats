#!/usr/bin/env bats
# The images (Dockerfile.scratch, Dockerfile.slim) and the Kubernetes manifests
# (k8s/), built and run for real: podman with runc as the engine, and
# `podman kube play` as the pod runner.  Needs root; tests/containers/setup.sh
# installs and prepares whatever is missing (the first run takes minutes).
# setup_file builds both images once, with `make image image-slim`, from a
# clean copy of the sources: tracked and untracked files, nothing ignored.
# shellcheck shell=bash

load helper

IMG=process-supervisor:local
IMG_SLIM=process-supervisor:slim
PROBE_IMG=localhost/process-supervisor-context-probe:test
CONF=/etc/init/example.conf
# On every container the tests start, so teardown finds them all.
LABEL=process-supervisor.test=containers
# The Deployment's pod label (k8s/deployment.yaml).
APP_LABEL=app=process-supervisor

# fd 8 holds this file's lock (setup_file); podman must not pass it on to
# conmon or a container, which would keep it after the tests.
podman() { command podman "$@" 8>&-; }

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if [ "$(id -u)" -ne 0 ]; then
		export CONTAINERS_SKIP="needs root (rootful podman)"
		return 0
	fi
	local env
	env=$("$BATS_TEST_DIRNAME/containers/setup.sh" --env 8>&-)
	eval "$env"
	# One run per machine at a time: the image tags and the pod name are fixed.
	exec 8>"${PS_CACHE:-/var/cache/process-supervisor}/containers-test.lock"
	flock -w 900 8
	cleanup_containers
	kube_cleanup

	local src=$BATS_FILE_TMPDIR/src rc=0
	mkdir -p "$src"
	(cd "$ROOT" && git ls-files -z -co --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -xf - -C "$src"
	make -C "$src" ENGINE=podman IMAGE="$IMG" IMAGE_SLIM="$IMG_SLIM" \
	    image image-slim >"$BATS_FILE_TMPDIR/build.log" 2>&1 8>&- || rc=$?
	echo "$rc" >"$BATS_FILE_TMPDIR/build.rc"
}

teardown_file() {
	[ -z "${CONTAINERS_SKIP:-}" ] || return 0
	cleanup_containers
	kube_cleanup
	podman rmi -f "$PROBE_IMG" >/dev/null 2>&1 || true
	exec 8>&-
}

setup() {
	[ -z "${CONTAINERS_SKIP:-}" ] || skip "$CONTAINERS_SKIP"
	TAIL_PID=""
}

teardown() {
	[ -z "${CONTAINERS_SKIP:-}" ] || return 0
	[ -z "$TAIL_PID" ] || kill "$TAIL_PID" 2>/dev/null || true
	cleanup_containers
	[ -z "${KUBE_PLAYED:-}" ] || kube_cleanup
	rm -f "$ROOT/build/.context-probe"
}

# --------------------------------------------------------------- helpers

needs_images() {
	[ "$(cat "$BATS_FILE_TMPDIR/build.rc" 2>/dev/null)" = 0 ] ||
		fail "the images did not build (see the first test)"
}

# run_ctr NAME [PODMAN-RUN-ARGS...]: a detached test container, named in $C.
run_ctr() {
	C=pst-$1-$$
	shift
	podman run -d --name "$C" --label "$LABEL" "$@" >/dev/null
}

cleanup_containers() {
	local ids
	mapfile -t ids < <(podman ps -aq --filter "label=$LABEL" 2>/dev/null)
	((${#ids[@]} == 0)) || podman rm -f -t 0 "${ids[@]}" >/dev/null 2>&1 || true
}

# What the container wrote on its stdout, on its stderr, on either.
out_of() { podman logs "$1" 2>/dev/null; }
# shellcheck disable=SC2069 # stderr to the pipe, stdout away: on purpose
err_of() { podman logs "$1" 2>&1 >/dev/null; }
all_of() { podman logs "$1" 2>&1; }
logs_have() { podman logs "$1" 2>&1 | grep -q -- "$2"; }

state_of() { podman inspect -f '{{.State.Status}}' "$1"; }
exited() { [ "$(state_of "$1")" = exited ]; }
exit_code_of() { podman inspect -f '{{.State.ExitCode}}' "$1"; }

# image_files IMAGE: "mode owner path" of every file in the image, from the
# layers `podman image save` writes (a later layer's entry wins).
image_files() {
	local dir=$BATS_TEST_TMPDIR/oci manifest layer
	rm -rf "$dir"
	podman image save -q --format oci-dir -o "$dir" "$1" >/dev/null
	manifest=$(jq -r '.manifests[0].digest' "$dir/index.json")
	for layer in $(jq -r '.layers[].digest' "$dir/blobs/sha256/${manifest#sha256:}"); do
		tar -tvf "$dir/blobs/sha256/${layer#sha256:}" --numeric-owner
	done | awk '{ seen[$6] = $1 " " $2 } END { for (p in seen) print seen[p], p }' |
		sort -k3
}

# The pod of k8s/: played from `kubectl kustomize k8s`, its worker container
# found by the Deployment's label (podman names the pod after the Deployment).
kube_play() {
	KUBE_PLAYED=1
	kubectl kustomize "$ROOT/k8s" >"$BATS_TEST_TMPDIR/k8s.yaml"
	podman kube play - <"$BATS_TEST_TMPDIR/k8s.yaml" >"$BATS_TEST_TMPDIR/play.out" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/play.out"; return 1; }
	POD=$(podman pod ps -q --filter "label=$APP_LABEL")
	C=$(podman ps -q --filter "label=$APP_LABEL")
	[ -n "$POD" ] && [ -n "$C" ]
}

kube_cleanup() {
	local pods vols
	mapfile -t pods < <(podman pod ps -q --filter "label=$APP_LABEL" 2>/dev/null)
	if ((${#pods[@]})); then
		podman pod kill "${pods[@]}" >/dev/null 2>&1 || true
		podman pod rm -f "${pods[@]}" >/dev/null 2>&1 || true
	fi
	# The ConfigMap's volume outlives `kube down` (podman 4).
	mapfile -t vols < <(podman volume ls -q --filter name=process-supervisor-config 2>/dev/null)
	((${#vols[@]} == 0)) || podman volume rm -f "${vols[@]}" >/dev/null 2>&1 || true
}

# yaml_int KEY: the first "KEY: N" of the rendered manifests.
yaml_int() {
	awk -v k="$1:" '$1 == k { print $2; exit }' "$BATS_TEST_TMPDIR/k8s.yaml"
}

# conf_value CONTAINER KEY: the effective setting, from `init check` inside.
conf_value() {
	podman exec "$1" /init check "$CONF" | sed -n "s/^$2=//p"
}

# podman_at_least MAJOR.MINOR
podman_at_least() {
	local v
	v=$(podman version --format '{{.Client.Version}}')
	[ "$(printf '%s\n%s\n' "$1" "$v" | sort -V | head -n1)" = "$1" ]
}

# ----------------------------------------------------------------- images

@test "both images build with make image and make image-slim from a clean copy" {
	run cat "$BATS_FILE_TMPDIR/build.rc"
	[ "$output" = 0 ] || { tail -n 40 "$BATS_FILE_TMPDIR/build.log"; false; }
	[ ! -e "$BATS_FILE_TMPDIR/src/build" ]
	grep -q 'podman build.* -f Dockerfile.scratch -t process-supervisor:local \.' \
		"$BATS_FILE_TMPDIR/build.log"
	grep -q 'podman build.* -f Dockerfile.slim -t process-supervisor:slim \.' \
		"$BATS_FILE_TMPDIR/build.log"
	podman image exists "$IMG"
	podman image exists "$IMG_SLIM"
}

@test ".dockerignore keeps build/ and .git out of the build context" {
	needs_images
	mkdir -p "$ROOT/build"
	: >"$ROOT/build/.context-probe"
	printf 'FROM scratch\nCOPY . /ctx/\n' >"$BATS_TEST_TMPDIR/Probe"
	podman build -q -f "$BATS_TEST_TMPDIR/Probe" -t "$PROBE_IMG" "$ROOT" >/dev/null
	image_files "$PROBE_IMG" | awk '{ print $3 }' >"$BATS_TEST_TMPDIR/context"
	# The probe does see the context...
	grep -qx 'ctx/Makefile' "$BATS_TEST_TMPDIR/context"
	grep -qx 'ctx/init/main.c' "$BATS_TEST_TMPDIR/context"
	# ...but not what .dockerignore leaves out.
	run grep -E '^ctx/(build|\.git|tests)(/|$)' "$BATS_TEST_TMPDIR/context"
	assert_failure
}

@test "the scratch image holds only init, the worker, the config and the writable directories" {
	needs_images
	run image_files "$IMG"
	assert_success
	assert_output "$(cat <<-'EOF'
	drwxr-xr-x 0/0 etc/
	drwxr-xr-x 0/0 etc/init/
	-rw-r--r-- 0/0 etc/init/example.conf
	-rwxr-xr-x 0/0 init
	drwxr-xr-x 0/0 run/
	drwxr-xr-x 65532/65532 run/init/
	drwxr-xr-x 0/0 var/
	drwxr-xr-x 0/0 var/log/
	drwxr-xr-x 65532/65532 var/log/app/
	-rwxr-xr-x 0/0 worker
	EOF
	)"
	# The baked-in config is configs/container.conf.
	run podman run --rm --label "$LABEL" --entrypoint /init "$IMG" check "$CONF"
	assert_success
	assert_line --regexp "^COMMAND='?/worker'?$"
	assert_line 'PID_DIR=/run/init'
	assert_line 'LOG_DIR=/var/log/app'
	# Under 1 MiB, the worker included.
	run podman image inspect -f '{{.Size}}' "$IMG"
	[ "$output" -lt 1048576 ]
}

@test "the scratch image runs /init as PID 1 with the worker below it, as UID 65532" {
	needs_images
	run podman image inspect -f \
		'{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} {{.Config.StopSignal}}' "$IMG"
	assert_output '["/init"] ["start","/etc/init/example.conf"] 65532:65532 SIGTERM'
	run_ctr pid1 "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	run podman top "$C" pid user args
	assert_line --regexp '^1 +65532 +/init start /etc/init/example.conf *$'
	assert_line --regexp '^[0-9]+ +65532 +/worker *$'
	# From the host: the container's PID 1 is /init.
	local hostpid
	hostpid=$(podman inspect -f '{{.State.Pid}}' "$C")
	run grep '^NSpid:' "/proc/$hostpid/status"
	assert_output --regexp "^NSpid:[[:space:]]+${hostpid}[[:space:]]+1$"
}

@test "podman logs has the heartbeat on stdout, init's events and the worker's warnings on stderr" {
	needs_images
	run_ctr streams -e WORKER_STDERR_EVERY=2 "$IMG"
	wait_until 30 logs_have "$C" 'worker: warning beat 2'
	run out_of "$C"
	assert_line --regexp '^worker: started pid=[0-9]+$'
	assert_line --regexp '^worker: heartbeat 2 pid=[0-9]+$'
	refute_line --partial 'warning beat'
	refute_line --partial 'event='
	run err_of "$C"
	assert_line 'worker: warning beat 2'
	assert_line --regexp '^ts=[0-9T:.-]+Z level=info name=demo_worker event=started .*pid=1( |$)'
	assert_line --regexp ' event=child_started pid=[0-9]+ command=/worker restarts=0$'
	refute_line --partial 'heartbeat'
}

@test "podman stop -t 15: init forwards SIGTERM, the worker shuts down cleanly, the container exits 0" {
	needs_images
	run_ctr stop "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	podman stop -t 15 "$C" >/dev/null
	[ "$(exit_code_of "$C")" = 0 ]
	run all_of "$C"
	assert_line --regexp 'event=signal_forwarded signal=TERM .*reason=stop'
	assert_line 'worker: shutting down (signal TERM)'
	assert_line --regexp ' event=child_exited .*status=0 .*reason=stopped'
	# init exited by itself: had podman's SIGKILL come first, nothing would
	# have written this line.
	assert_line --regexp ' event=exiting status=0( |$)'
	refute_line --partial 'stop_escalated'
}

@test "a worker that ignores SIGTERM is killed by init after STOP_TIMEOUT, not by the engine" {
	needs_images
	run_ctr ignoreterm -e WORKER_IGNORE_TERM=1 -e INIT_STOP_TIMEOUT=2 "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	podman stop -t 60 "$C" >/dev/null
	[ "$(exit_code_of "$C")" = 137 ]
	run all_of "$C"
	assert_line --regexp ' event=stop_escalated .*signal=KILL'
	assert_line --regexp ' event=child_exited .*signal=KILL status=137 .*reason=stop_timeout'
	assert_line --regexp ' event=exiting status=137( |$)'
	refute_line --partial 'shutting down'
}

@test "podman exec /init status reports the running worker and exits 0" {
	needs_images
	run_ctr status "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	local pid
	pid=$(out_of "$C" | sed -n 's/^worker: started pid=//p')
	run podman exec "$C" /init status "$CONF"
	assert_success
	assert_output --regexp 'running'
	run podman exec "$C" /init status "$CONF" --json
	assert_success
	run jq -r '"\(.state) \(.supervisor_pid) \(.child_pid) \(.restarts)"' <<<"$output"
	assert_output "running 1 $pid 0"
}

@test "podman exec /init tail prints the worker's last lines from LOG_DIR" {
	needs_images
	run_ctr tail "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 4 '
	run podman exec "$C" /init tail "$CONF" -n 3
	assert_success
	assert_output --partial 'worker: heartbeat'
	[ "${#lines[@]}" -eq 3 ]
}

@test "after the worker crashes and is restarted, status shows the new child and the restart" {
	needs_images
	run_ctr restart -e WORKER_CRASH_AFTER=2 -e WORKER_INTERVAL_MS=3000 "$IMG"
	wait_until 30 logs_have "$C" 'event=child_started .*restarts=1'
	# Poll: the new child may itself crash and be replaced meanwhile.
	status_shows_latest_child() {
		local pid json
		pid=$(all_of "$C" | sed -n 's/.* event=child_started pid=\([0-9]*\) .*/\1/p' | tail -n 1)
		json=$(podman exec "$C" /init status "$CONF" --json) || return 1
		jq -e --argjson pid "$pid" \
			'.state == "running" and .child_pid == $pid and .restarts >= 1 and .last_exit.code == 3' \
			<<<"$json" >/dev/null
	}
	wait_until 30 status_shows_latest_child
	run podman exec "$C" /init status "$CONF"
	assert_success
	assert_output --regexp 'restarts:? +[1-9]'
}

@test "podman exec /init stop makes init shut the worker down and the container exit 0" {
	needs_images
	run_ctr stopcmd "$IMG"
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	# The stop client waits for the supervisor to exit; here that is PID 1,
	# whose exit kills every process of the container, the client too (137).
	run podman exec "$C" /init stop "$CONF"
	[ "$status" -eq 0 ] || [ "$status" -eq 137 ]
	wait_until 30 exited "$C"
	[ "$(exit_code_of "$C")" = 0 ]
	run all_of "$C"
	assert_line 'worker: shutting down (signal TERM)'
	assert_line --regexp ' event=exiting status=0( |$)'
}

# ------------------------------------------------- exit codes of podman run

@test "podman run --rm exits 0 when the worker finishes" {
	needs_images
	run podman run --rm --label "$LABEL" -e WORKER_BEATS=2 "$IMG"
	assert_success
	assert_line --regexp '^worker: heartbeat 2 pid=[0-9]+$'
	assert_line --regexp ' event=exiting status=0( |$)'
}

@test "podman run --rm exits 3 when the worker crashes with RESTART_POLICY=never" {
	needs_images
	run podman run --rm --label "$LABEL" \
		-e INIT_RESTART_POLICY=never -e WORKER_CRASH_AFTER=1 "$IMG"
	assert_failure 3
	assert_line --regexp ' event=child_exited .*code=3 status=3 '
	assert_line --partial 'worker: crashing'
}

@test "a crash-looping worker makes init give up and exit with its status 3" {
	needs_images
	run podman run --rm --label "$LABEL" \
		-e INIT_MAX_RESTARTS=2 -e INIT_RESTART_DELAY=0.1 -e INIT_RESTART_DELAY_MAX=0.1 \
		-e WORKER_CRASH_AFTER=1 "$IMG"
	assert_failure 3
	assert_line --partial 'event=give_up'
	assert_line --regexp ' event=child_started .*restarts=2$'
}

@test "init status exits 3 in a container where no supervisor runs" {
	needs_images
	run --separate-stderr podman run --rm --label "$LABEL" "$IMG" status "$CONF"
	assert_failure 3
}

@test "podman run --rm exits 137 when the memory watchdog has to SIGKILL a worker ignoring SIGTERM" {
	needs_images
	# Without a watchdog the worker would end by itself (exit 0) after 150
	# beats; it leaks 4 MiB a beat.
	run podman run --rm --label "$LABEL" \
		-e INIT_RESTART_POLICY=never -e INIT_MAX_MEM_MB=30 -e INIT_CHECK_INTERVAL=0.5 \
		-e INIT_STOP_TIMEOUT=1 -e WORKER_LEAK_MB=4 -e WORKER_INTERVAL_MS=100 \
		-e WORKER_BEATS=150 -e WORKER_IGNORE_TERM=1 "$IMG"
	assert_failure 137
	assert_line --regexp ' event=watchdog_breach .*resource=mem'
	assert_line --regexp ' event=child_exited .*signal=KILL status=137 .*reason=watchdog_mem'
	assert_line --regexp ' event=exiting status=137( |$)'
}

# ------------------------------------------------ runtimes' --init (drop-in)
# build/init as the engine's own init: podman bind-mounts --init-path at
# /run/podman-init and runs `/run/podman-init -- ENTRYPOINT CMD`; Docker
# mounts its init-path at /sbin/docker-init and runs `docker-init -- ...`.

# run_init_ctr NAME [PODMAN-RUN-ARGS...]: run_ctr with build/init as podman's init.
run_init_ctr() {
	local name=$1
	shift
	run_ctr "$name" --init --init-path="$INIT" "$@"
}

@test "podman run --init --init-path=build/init: PID 1 is /run/podman-init -- CMD, the worker below it" {
	needs_images
	run_init_ctr initpath --entrypoint /worker "$IMG" --interval 500
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	run podman top "$C" pid args
	assert_line --regexp '^1 +/run/podman-init -- /worker --interval 500 *$'
	assert_line --regexp '^[0-9]+ +/worker --interval 500 *$'
	# Quiet as `init --` is: no events at the default level.
	run err_of "$C"
	refute_output --partial 'event='
}

@test "podman --init: the worker's exit status is the container's (0, 3, 129 for a forwarded HUP)" {
	needs_images
	run podman run --rm --label "$LABEL" --init --init-path="$INIT" \
		--entrypoint /worker -e WORKER_BEATS=1 "$IMG" --interval 100
	assert_success
	run podman run --rm --label "$LABEL" --init --init-path="$INIT" \
		--entrypoint /worker -e WORKER_CRASH_AFTER=1 "$IMG" --interval 100
	assert_failure 3
	assert_line --partial 'worker: crashing'
	# HUP is passed on; the worker has no handler, so HUP ends it.
	run_init_ctr hup --entrypoint /worker -e INIT_LOG_LEVEL=info "$IMG" --interval 500
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	podman kill -s HUP "$C" >/dev/null
	wait_until 30 exited "$C"
	[ "$(exit_code_of "$C")" = 129 ]
	run all_of "$C"
	assert_line --regexp ' event=signal_forwarded signal=HUP '
	assert_line --regexp ' event=child_exited .*signal=HUP status=129 '
}

@test "podman stop with --init: SIGTERM reaches the worker through init, which exits 0" {
	needs_images
	run_init_ctr initstop --entrypoint /worker -e INIT_LOG_LEVEL=info "$IMG" --interval 500
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	podman stop -t 15 "$C" >/dev/null
	[ "$(exit_code_of "$C")" = 0 ]
	run all_of "$C"
	assert_line 'worker: shutting down (signal TERM)'
	assert_line --regexp ' event=stopping signal=TERM '
	assert_line --regexp ' event=exiting status=0( |$)'
	refute_line --partial 'stop_escalated'
}

@test "podman --init: orphans of the worker are reaped by build/init as PID 1, no zombie left" {
	needs_images
	run_init_ctr initreap -v "$FIX:/fix:ro" --entrypoint /fix/orphans \
		-e INIT_LOG_LEVEL=debug "$IMG" 50 0 --zombie --then-sleep 60
	wait_until 30 logs_have "$C" 'orphans: created 50'
	local hostpid
	hostpid=$(podman inspect -f '{{.State.Pid}}' "$C")
	[ "$(tr '\0' ' ' <"/proc/$hostpid/cmdline")" = "/run/podman-init -- /fix/orphans 50 0 --zombie --then-sleep 60 " ]
	wait_until 30 eval '[ "$(all_of "$C" | grep -c event=orphan_reaped)" -ge 51 ]'
	wait_until 30 eval '[ "$(zombies_under "$hostpid")" -eq 0 ]'
	podman stop -t 15 "$C" >/dev/null
	# orphans has no TERM handler: 128+15.
	[ "$(exit_code_of "$C")" = 143 ]
}

@test "Docker's --init layout, /sbin/docker-init -- CMD as PID 1, speaks tini: -e 3 turns the crash into 0" {
	needs_images
	run podman run --rm --label "$LABEL" -v "$INIT:/sbin/docker-init:ro" \
		--entrypoint /sbin/docker-init -e WORKER_CRASH_AFTER=1 "$IMG" \
		-e 3 -- /worker --interval 100
	assert_success
	assert_line --partial 'worker: crashing'
	run_ctr dockerinit -v "$INIT:/sbin/docker-init:ro" --entrypoint /sbin/docker-init \
		"$IMG" -v -- /worker --interval 500
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	run podman top "$C" pid args
	assert_line --regexp '^1 +/sbin/docker-init -v -- /worker --interval 500 *$'
	podman stop -t 15 "$C" >/dev/null
	[ "$(exit_code_of "$C")" = 0 ]
	run all_of "$C"
	assert_line 'worker: shutting down (signal TERM)'
	# -v: info events, as tini -v logs more.
	assert_line --regexp ' event=started .*role=pid1 '
}

# ---------------------------------------------------------- health checks

# health_of CONTAINER: the engine's health status of it.
health_of() { podman inspect -f '{{.State.Health.Status}}' "$1"; }
# hc_says CONTAINER STATUS: `podman healthcheck run` (the image's HEALTHCHECK,
# /init health) leaves the container's health at STATUS.
hc_says() {
	podman healthcheck run "$1" >/dev/null 2>&1 || true
	[ "$(health_of "$1")" = "$2" ]
}

# healthcheck_cycle IMAGE: healthy, then unhealthy once the worker hangs
# (SIGUSR1, passed on by init), then init restarts it.
healthcheck_cycle() {
	run podman image inspect -f '{{json .Config.Healthcheck.Test}}' "$1"
	assert_output '["CMD","/init","health","/etc/init/example.conf"]'
	# Faster probes than the config's; a long restart delay keeps the
	# unhealthy worker down for a while (the config's RESTART_DELAY_MAX).
	run_ctr health -e INIT_HEALTH_INTERVAL=1 -e INIT_HEALTH_TIMEOUT=0.5 \
		-e INIT_RESTART_DELAY=30 "$1"
	wait_until 60 logs_have "$C" 'event=health_changed from=starting to=healthy .*output="HTTP 200"'
	wait_until 60 hc_says "$C" healthy
	run podman healthcheck run "$C"
	assert_success
	run podman exec "$C" /init health "$CONF"
	assert_success
	assert_output --regexp '^demo_worker: healthy \(HTTP 200, [0-9]+s ago\)$'
	podman kill -s USR1 "$C" >/dev/null
	wait_until 30 logs_have "$C" 'worker: hanging'
	wait_until 60 logs_have "$C" 'event=health_changed from=healthy to=unhealthy .*output="timeout after 500 ms"'
	# The engine counts its own --retries=3 failing runs first.
	wait_until 60 hc_says "$C" unhealthy
	run podman healthcheck run "$C"
	assert_failure
	run podman exec "$C" /init health "$CONF"
	assert_failure 1
	run all_of "$C"
	assert_line --regexp ' event=child_exited .*reason=unhealthy'
	assert_line --regexp ' event=restart_scheduled delay_ms=30000 '
	assert_line 'worker: shutting down (signal TERM)'
}

@test "podman healthcheck run: the scratch image is healthy, then unhealthy once the worker hangs" {
	needs_images
	healthcheck_cycle "$IMG"
}

@test "podman healthcheck run: the slim image (Python worker) is healthy, then unhealthy once it hangs" {
	needs_images
	healthcheck_cycle "$IMG_SLIM"
}

# ------------------------------------------------------------ slim image

@test "the slim image supervises the Python worker under init and stops it cleanly" {
	needs_images
	run_ctr slim -e WORKER_STDERR_EVERY=2 "$IMG_SLIM"
	wait_until 60 logs_have "$C" 'worker: warning beat 2'
	run podman top "$C" pid user args
	assert_line --regexp '^1 +app +/init start /etc/init/example.conf *$'
	assert_line --regexp '^[0-9]+ +app +python3 -u /app/worker.py *$'
	run err_of "$C"
	assert_line 'worker: warning beat 2'
	refute_line --partial 'heartbeat'
	run podman exec "$C" /init status "$CONF"
	assert_success
	podman stop -t 15 "$C" >/dev/null
	[ "$(exit_code_of "$C")" = 0 ]
	run all_of "$C"
	assert_line --regexp '^worker: heartbeat 2 pid=[0-9]+$'
	assert_line 'worker: shutting down (signal TERM)'
	assert_line --regexp ' event=exiting status=0( |$)'
}

# ------------------------------------------------------------- Kubernetes

@test "kubectl kustomize k8s renders the Deployment with its generated ConfigMap" {
	run --separate-stderr kubectl kustomize "$ROOT/k8s"
	assert_success
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/k8s.yaml"
	local cm
	cm=$(awk '/^kind: ConfigMap/ { c = 1 } c && /^  name: / { print $2; exit }' \
		"$BATS_TEST_TMPDIR/k8s.yaml")
	[[ $cm == process-supervisor-config-?* ]]
	assert_line "          name: $cm"
	assert_line 'kind: Deployment'
	assert_line '        image: process-supervisor:local'
	assert_line '        imagePullPolicy: IfNotPresent'
	# command and args apart: ENTRYPOINT and CMD of the image, explicit.
	run awk '/^        command:/,/^        image:/' "$BATS_TEST_TMPDIR/k8s.yaml"
	assert_output "$(printf '        command:\n        - /init\n        image: process-supervisor:local')"
	run awk '/^      - args:/,/^        command:/' "$BATS_TEST_TMPDIR/k8s.yaml"
	assert_output "$(printf '      - args:\n        - start\n        - /etc/init/example.conf\n        command:')"
	# Readiness and liveness: init's own health check, through init health.
	local probe
	for probe in readinessProbe livenessProbe; do
		run awk "/$probe:/,/failureThreshold:/" "$BATS_TEST_TMPDIR/k8s.yaml"
		assert_output --partial "$(printf '            command:\n            - /init\n            - health\n            - /etc/init/example.conf\n')"
	done
}

@test "the k8s config is valid and fits the pod: emptyDirs, limits above the watchdog, grace above STOP_TIMEOUT" {
	needs_images
	kube_play
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	local mem cpu grace
	# PID_DIR and LOG_DIR are the pod's writable volumes.
	run podman inspect -f '{{range .Mounts}}{{.Destination}} {{.RW}}{{"\n"}}{{end}}' "$C"
	assert_line "$(conf_value "$C" PID_DIR) true"
	assert_line "$(conf_value "$C" LOG_DIR) true"
	assert_line '/etc/init false'
	# The kernel's limits leave the watchdog room to act first.
	mem=$(podman inspect -f '{{.HostConfig.Memory}}' "$C")
	cpu=$(podman inspect -f '{{.HostConfig.NanoCpus}}' "$C")
	[ "$(conf_value "$C" MAX_MEM_MB)" -gt 0 ]
	[ "$(conf_value "$C" MAX_CPU_PCT)" -gt 0 ]
	[ $(($(conf_value "$C" MAX_MEM_MB) * 1024 * 1024 * 5 / 4)) -le "$mem" ]
	[ $(($(conf_value "$C" MAX_CPU_PCT) * 10000000)) -lt "$cpu" ]
	grace=$(yaml_int terminationGracePeriodSeconds)
	[ $(($(conf_value "$C" STOP_DELAY) + $(conf_value "$C" STOP_TIMEOUT) + 5)) -le "$grace" ]
}

@test "the k8s pod runs with a read-only root, as non-root, without privileges, and its probe commands succeed" {
	needs_images
	kube_play
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	local hostpid
	hostpid=$(podman inspect -f '{{.State.Pid}}' "$C")
	run grep -E '^(Uid|Gid|NSpid|NoNewPrivs|CapEff|Seccomp):' "/proc/$hostpid/status"
	assert_line --regexp '^Uid:[[:space:]]+65532[[:space:]]+65532[[:space:]]+65532[[:space:]]+65532$'
	assert_line --regexp '^Gid:[[:space:]]+65532[[:space:]]'
	assert_line --regexp "^NSpid:[[:space:]]+${hostpid}[[:space:]]+1$"
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	# The root file system is mounted read-only.
	run awk '$5 == "/" { print $6 }' "/proc/$hostpid/mountinfo"
	assert_output --regexp '^ro(,|$)'
	run all_of "$C"
	assert_line --regexp '^worker: heartbeat 1 pid=[0-9]+$'
	assert_line --regexp ' event=child_started pid=[0-9]+ command=/worker restarts=0$'
	# The probes' commands, as the manifest gives them.  (podman 4 turns
	# exec probes into shell healthchecks, which scratch cannot run.)
	local probe kind
	for kind in readinessProbe livenessProbe; do
		probe=$(awk "/$kind:/ { p = 1 } p && /^ +- / { print \$2 } p && /failureThreshold:/ { exit }" \
			"$BATS_TEST_TMPDIR/k8s.yaml" | tr '\n' ' ')
		[ "$probe" = "/init health /etc/init/example.conf " ]
		# Healthy once init's first probe of the worker's /healthz passed.
		# shellcheck disable=SC2086
		wait_until 60 podman exec "$C" $probe
		# shellcheck disable=SC2086
		run podman exec "$C" $probe
		assert_success
		assert_output --regexp '^demo_worker: healthy \(HTTP 200, [0-9]+s ago\)$'
	done
}

@test "deleting the pod stops the worker gracefully within terminationGracePeriodSeconds" {
	needs_images
	kube_play
	wait_until 30 logs_have "$C" 'worker: heartbeat 1 '
	# Follow the log file itself: kube down removes the container and its
	# log, and `podman logs -f` may end before the last lines.
	local logfile grace
	logfile=$(podman inspect -f '{{.HostConfig.LogConfig.Path}}' "$C")
	tail -n +1 -f "$logfile" >"$BATS_TEST_TMPDIR/pod.log" 2>/dev/null &
	TAIL_PID=$!
	grace=$(yaml_int terminationGracePeriodSeconds)
	# Before podman 5.1, kube down sends SIGKILL right after SIGTERM
	# (containers/podman#22397): stop the pod first, as the kubelet does.
	podman_at_least 5.1 || podman pod stop -t "$grace" "$POD" >/dev/null
	podman kube down - <"$BATS_TEST_TMPDIR/k8s.yaml" >/dev/null 2>&1
	wait_until 30 file_has "$BATS_TEST_TMPDIR/pod.log" 'event=exiting'
	kill "$TAIL_PID"
	TAIL_PID=""
	run cat "$BATS_TEST_TMPDIR/pod.log"
	assert_line --regexp 'stdout F worker: shutting down \(signal TERM\)$'
	assert_line --regexp 'stderr F .* event=exiting status=0( |$)'
	refute_line --partial 'stop_escalated'
	run podman pod ps -q --filter "label=$APP_LABEL"
	assert_output ''
}

@test "the config loads through the symlinks of a Kubernetes ConfigMap volume" {
	needs_images
	# The kubelet's layout: example.conf -> ..data/example.conf, ..data -> ..<ts>
	local d=$BATS_TEST_TMPDIR/configmap ts=..2026_01_01_00_00_00.000000001
	mkdir -p "$d/$ts"
	cp "$ROOT/k8s/example.conf" "$d/$ts/example.conf"
	ln -s "$ts" "$d/..data"
	ln -s ..data/example.conf "$d/example.conf"
	chmod -R a+rX "$d"
	run podman run --rm --label "$LABEL" -v "$d:/etc/init:ro" \
		-e WORKER_BEATS=1 "$IMG"
	assert_success
	assert_line --regexp ' event=started .*config=/etc/init/example.conf'
	assert_line --regexp ' event=exiting status=0( |$)'
}
