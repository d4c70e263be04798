#!/usr/bin/env bash
# Builds the product image from the unchanged Dockerfile with podman, offline from any container
# registry: the Dockerfile's base `node:24-bookworm-slim` is made locally first (debootstrap
# minbase bookworm + the Node 24 binary of the `node` npm package + npm + user node uid 1000 +
# this machine's CA bundle) and kept between runs. Prints the built image's id on stdout.
#
#   .ci/build-image.sh [TAG]     (default TAG: entra-edit-profile:ci; needs root, podman, buildah, debootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-entra-edit-profile:ci}
base=node:24-bookworm-slim
log() { echo "build-image: $*" >&2; }
rootfs=""
trap '[ -z "$rootfs" ] || rm -rf --one-file-system "$rootfs"' EXIT

build_base() {
  local node_bin npm_dir
  node_bin=$(readlink -f node_modules/node/bin/node)
  "$node_bin" --version | grep -q '^v24\.' || { log "node_modules/node is not Node 24 (run npm ci first)"; exit 1; }
  npm_dir=$(npm root -g)/npm
  [ -f "$npm_dir/bin/npm-cli.js" ] || { log "npm not found at $npm_dir"; exit 1; }
  rootfs=$(mktemp -d /var/tmp/node-base-XXXXXX)
  log "debootstrap --variant=minbase bookworm (cache /var/cache/debootstrap)"
  mkdir -p /var/cache/debootstrap
  debootstrap --variant=minbase --cache-dir=/var/cache/debootstrap bookworm "$rootfs" http://deb.debian.org/debian >&2
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/etc"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # The machine's CA bundle: npm ci inside the build must trust what this machine trusts.
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$rootfs/usr/local/etc/npmrc"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_VERSION='"$("$node_bin" --version | tr -d v)" \
    --change 'CMD ["node"]' - "$base" >&2
}

# Reuse the base while it carries the Node version the lockfile installs.
wanted=$(node_modules/node/bin/node --version | tr -d v)
built=$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$base" 2>/dev/null | sed -n 's/^NODE_VERSION=//p' || true)
if [ "$built" = "$wanted" ]; then
  log "$base (Node $built) already built: reusing it"
else
  build_base
fi
log "podman build of the Dockerfile → $tag"
podman build --pull=never --isolation=chroot --cgroup-manager=cgroupfs --layers --format docker -t "$tag" . >&2
# Earlier builds' layers that nothing uses any more (the cache of this build stays). A build that
# was killed half-way leaves a buildah working container holding its layer: pruning then fails,
# which costs disk, not this build.
podman image prune -f >/dev/null 2>&1 || log "some unused layers are still held by a stopped build's working container (buildah containers); not pruned"
podman image inspect --format '{{.Id}}' "$tag"
