#!/usr/bin/env bash
# Build the idphoto container image and verify it end to end.
#
#   ops/build_image.sh                     # IMAGE=idphoto:latest
#   IMAGE=idphoto:1 BASE=python:3.11-slim ops/build_image.sh
#
# 1. A Docker engine: uses the running one; as root with apt-get, installs docker.io and starts
#    dockerd when there is none.
# 2. The base: $BASE if given; else python:3.11-slim when it can be pulled; else a local Debian
#    bookworm base, idphoto-base:bookworm, made once with debootstrap (minbase) from the apt
#    mirror this machine uses, and `docker import`ed (the Dockerfile installs python3 on it).
# 3. docker build (timed) of a staged context, with the pinned wheels downloaded on the host
#    (WHEELHOUSE=1, the default; see there why), then runs the image read-only (--read-only: any write at run time
#    fails) and checks: /readyz turns 200, POST /v1/check of examples/astronaut.jpg gives the
#    expected JSON (reject for resolution; ops/wheel_smoke.py --url), the process is not root,
#    the venv has no pip or build tools and there are no sources, the health check turns
#    "healthy". Prints the image size and build time; removes the container (the image stays).
# Exit 0 when every check passed, 1 with the reason otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-idphoto:latest}
LOCAL_BASE=idphoto-base:bookworm
OFFICIAL_BASE=python:3.11-slim
WHEELHOUSE=${WHEELHOUSE:-1}   # 1: the host downloads the pinned wheels for the build (see step 3)
NO_CACHE=${NO_CACHE:-}        # NO_CACHE=1: build every layer again (to time a build from scratch)
container=""

say() { echo "build_image: $*"; }
fail() { echo "build_image: FAILED: $*" >&2; exit 1; }
cleanup() {
  if [ -n "$container" ]; then
    docker rm -f "$container" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# ---- 1. the Docker engine ----------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    fail "no Docker engine answers, and only root may start one here"
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || fail "no dockerd and no apt-get to install docker.io"
    say "installing docker.io"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; } \
      || fail "apt-get install docker.io"
  fi
  say "starting dockerd (log: /var/log/idphoto-dockerd.log)"
  nohup dockerd >/var/log/idphoto-dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || fail "dockerd did not start: see /var/log/idphoto-dockerd.log"
fi

# ---- 2. the base image -------------------------------------------------------------------
apt_uri() {  # the first apt source URI for the main archive ($1 = "main") or the security one
  local want=$1 uris
  uris=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}';
            grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; } | grep -i debian || true)
  if [ "$want" = security ]; then
    echo "$uris" | grep -m1 security || echo http://deb.debian.org/debian-security
  else
    echo "$uris" | grep -v security | grep -m1 . || echo http://deb.debian.org/debian
  fi
}

make_local_base() {
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null || fail "apt-get install debootstrap"
  fi
  local mirror security root
  mirror=$(apt_uri main)
  security=$(apt_uri security)
  root=$(mktemp -d /var/tmp/idphoto-base.XXXXXX) || fail "mktemp"
  # every rm below is under $root: make sure it is the folder just made, never / or empty
  case "$root" in /var/tmp/idphoto-base.?*) ;; *) fail "unexpected base folder '$root'" ;; esac
  say "debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; rm -rf --one-file-system "$root"; fail "debootstrap (log: $root.log)"; }
  [ -d "$root/etc/apt" ] && [ -x "$root/bin/sh" ] || fail "debootstrap made no system in $root"
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" >"$root/etc/apt/sources.list"
  # As the official slim images: no manuals, documentation (the copyright files stay) or
  # translations, now or in what the Dockerfile installs later.
  printf 'path-exclude /usr/share/%s\n' 'doc/*' 'man/*' 'info/*' 'locale/*' 'groff/*' 'lintian/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/01-idphoto-slim"
  printf 'path-include /usr/share/doc/*/copyright\n' >>"$root/etc/dpkg/dpkg.cfg.d/01-idphoto-slim"
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
    "$root"/usr/share/groff/* "$root"/usr/share/lintian/*
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$LOCAL_BASE" >/dev/null || fail "docker import"
  rm -rf --one-file-system "$root" "$root.log"
  say "made $LOCAL_BASE ($(docker image inspect -f '{{.Size}}' "$LOCAL_BASE" | awk '{printf "%.0f MB", $1/1e6}'))"
}

if [ -z "${BASE:-}" ]; then
  if docker image inspect "$OFFICIAL_BASE" >/dev/null 2>&1 || timeout 60 docker pull -q "$OFFICIAL_BASE" >/dev/null 2>&1; then
    BASE=$OFFICIAL_BASE
  else
    say "$OFFICIAL_BASE cannot be pulled here: using the local Debian base $LOCAL_BASE"
    docker image inspect "$LOCAL_BASE" >/dev/null 2>&1 || make_local_base
    BASE=$LOCAL_BASE
  fi
fi

# ---- 3. build ----------------------------------------------------------------------------
# The context is staged in a temporary folder: the files the image is made of (the working
# tree's, committed or not) and, with WHEELHOUSE=1 (the default), wheelhouse/: every pinned
# wheel the build installs, downloaded here by the host's pip. The build's own containers
# then need no index (on this machine they cannot verify PyPI's TLS certificate: the host
# trusts a CA of its own network that a container does not have). WHEELHOUSE=0 lets the
# build fetch from the index itself.
ctx=$(mktemp -d /tmp/idphoto-docker-ctx.XXXXXX) || fail "mktemp"
trap 'cleanup; rm -rf "$ctx"' EXIT
cp -a Dockerfile .dockerignore pyproject.toml README.md constraints.txt service rules models "$ctx"/
if [ "${WHEELHOUSE:-1}" = 1 ]; then
  say "downloading the pinned wheels into the build context (linux x86_64, CPython 3.11)"
  python3 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" >"$ctx/requirements.txt"
  platforms=""   # bookworm's glibc 2.36 runs every manylinux wheel up to 2_36 (older pips do not infer them)
  for glibc in $(seq 17 36); do platforms+=" --platform manylinux_2_${glibc}_x86_64"; done
  python3 -m pip download -q -d "$ctx/wheelhouse" -c constraints.txt --only-binary=:all: \
      --python-version 3.11 $platforms --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 \
      pip build setuptools -r "$ctx/requirements.txt" >"$ctx/download.log" 2>&1 \
    || { tail -n 20 "$ctx/download.log" >&2; fail "pip download of the wheelhouse"; }
  rm "$ctx/requirements.txt" "$ctx/download.log"
  say "wheelhouse: $(ls "$ctx"/wheelhouse | wc -l) wheels, $(du -sm "$ctx/wheelhouse" | cut -f1) MB"
fi

say "docker build -t $IMAGE --build-arg BASE=$BASE"
build_log=$(mktemp /tmp/idphoto-docker-build.XXXXXX.log)
started=$SECONDS
docker build --pull=false ${NO_CACHE:+--no-cache} -t "$IMAGE" --build-arg BASE="$BASE" "$ctx" \
  >"$build_log" 2>&1 || { tail -n 40 "$build_log" >&2; fail "docker build (log: $build_log)"; }
build_seconds=$((SECONDS - started))
rm -f "$build_log"
say "built $IMAGE in ${build_seconds} s"

# ---- 4. run and verify -------------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
container=idphoto-verify-$$
# --health-interval: the image's own check command, polled every 3 s instead of 30 so the test is quick
docker run -d --name "$container" --read-only -p "127.0.0.1:$port:8000" --health-interval 3s "$IMAGE" >/dev/null \
  || fail "docker run"
if ! python3 ops/wheel_smoke.py --url "http://127.0.0.1:$port" --container "$container" --ready-timeout 120; then
  docker logs --tail 30 "$container" >&2 || true
  fail "the container's /readyz or /v1/check (logs above)"
fi

uid=$(docker exec "$container" id -u) || fail "docker exec id -u"
[ "$uid" != 0 ] || fail "the service runs as root"
say "runs as uid $uid"

docker exec "$container" sh -c '
  ! python -c "import pip" 2>/dev/null && ! python -c "import build" 2>/dev/null \
  && ! command -v gcc >/dev/null && ! command -v cc >/dev/null \
  && test ! -e /src && test ! -e /dist && test ! -e /opt/build' \
  || fail "the final image holds pip, build tools or sources"
say "no pip, build tools or sources in the image"

health=""
for _ in $(seq 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$container")
  [ "$health" = healthy ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] || fail "the container stopped"
  sleep 2
done
[ "$health" = healthy ] || fail "health status is '$health' after 120 s"
say "health: $health"
[ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] || fail "the container stopped"

size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
say "OK: $IMAGE on $BASE, $(awk -v s="$size" 'BEGIN {printf "%.0f MB", s/1e6}'), built in ${build_seconds} s"
