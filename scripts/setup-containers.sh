#!/usr/bin/env bash
# Prepares this machine to run container steps and the container executor tests:
# Podman serving the Docker Engine API on a unix socket, with a small local busybox
# image. Safe to run again; every part is skipped when it is already in place.
# Run as root. Never pulls from a registry.
set -euo pipefail

SOCKET_DIR=/run/slipway-podman
SOCKET="$SOCKET_DIR/podman.sock"
IMAGE=localhost/slipway-busybox:latest
CONF=/etc/containers/containers.conf

say() { echo "setup-containers: $*"; }

if [[ $EUID -ne 0 ]]; then
  echo "setup-containers: run this script as root" >&2
  exit 1
fi

# 1. Packages.
missing=()
for pkg in podman runc busybox-static curl; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "podman, runc, busybox-static and curl are installed"
fi

# 2. Engine configuration: crun does not work on this kind of machine, and the default
# ulimits are higher than a sandboxed host allows.
desired_conf='[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"

[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]'
if [[ -f $CONF ]] && [[ "$(cat "$CONF")" == "$desired_conf" ]]; then
  say "$CONF is up to date"
else
  say "writing $CONF"
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$desired_conf" >"$CONF"
fi

# 3. The test image, built from the host's static busybox.
if podman image exists "$IMAGE"; then
  say "image $IMAGE exists"
else
  say "building image $IMAGE from /bin/busybox"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # Inside a chroot busybox links its applets to its own absolute argv[0].
  chroot "$root" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  # busybox answers to the name `bash` only when built with that applet; otherwise a
  # forwarding script gives steps that ask for bash busybox's sh, provided it handles
  # the options a bash step uses.
  if [[ ! -e "$root/bin/bash" ]] \
    && ! chroot "$root" /bin/sh -eo pipefail -c 'false | true' 2>/dev/null \
    && chroot "$root" /bin/sh -eo pipefail -c 'true | true'; then
    if chroot "$root" /bin/busybox --list | grep -qx bash; then
      say "linking bash to busybox"
      ln -s busybox "$root/bin/bash"
    else
      say "adding bash as a forwarder to busybox sh"
      printf '#!/bin/sh\nexec /bin/sh "$@"\n' >"$root/bin/bash"
      chmod 755 "$root/bin/bash"
    fi
  else
    say "busybox sh does not handle -eo pipefail; the image has no bash"
  fi
  tar -C "$root" -cf "$work/rootfs.tar" .
  podman import "$work/rootfs.tar" "$IMAGE"
  rm -rf "$work"
  trap - EXIT
fi

# 4. The API service.
answers() { curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1; }
if answers; then
  say "the API answers on $SOCKET"
else
  say "starting podman system service on unix://$SOCKET (log: $SOCKET_DIR/service.log)"
  mkdir -p "$SOCKET_DIR"
  rm -f "$SOCKET"
  # From /, not the folder this script runs in: the service outlives it, and conmon
  # cannot start containers once the service's working directory is removed.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCKET") \
    >"$SOCKET_DIR/service.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do
    if answers; then break; fi
    sleep 0.2
  done
  if ! answers; then
    echo "setup-containers: the service did not answer; see $SOCKET_DIR/service.log" >&2
    exit 1
  fi
  say "the API answers on $SOCKET"
fi

echo "export DOCKER_HOST=unix://$SOCKET"
