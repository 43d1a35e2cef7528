#!/usr/bin/env bash
# First contact on a brand-new Debian 12: builds a minimal bookworm root with debootstrap (as
# root, network to the Debian mirror needed), adds git, clones this repository's HEAD into it and
# times `./dev demo` there from the first command: the apt-get update and package installs, the
# build from nothing (no ccache) and the demo's report. Prints each output line with the seconds
# since the start, so the install and build phases can be read off.
#
#   sudo bench/fresh_machine/run.sh [ROOT_DIR]     ROOT_DIR defaults to a new folder under /var/tmp
# Needs: debootstrap (apt-get install debootstrap). Leaves ROOT_DIR behind (remove it with
# `umount -R ROOT_DIR/{proc,sys,dev}; rm -rf ROOT_DIR`) to look at the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: debootstrap and chroot need it" >&2; exit 2; }
command -v debootstrap > /dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 2; }
ROOT="${1:-$(mktemp -d /var/tmp/fresh-debian.XXXXXX)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" > "$ROOT.debootstrap.log" 2>&1 \
  || { echo "debootstrap failed: $ROOT.debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$ROOT/etc/"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t tmpfs tmpfs "$ROOT/dev/shm"
# git to clone with, as any machine that clones has: not part of what is timed.
chroot "$ROOT" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends git ca-certificates > /dev/null'
# The chroot's root home, read from its own passwd: the clone and the timed script go there.
HOME_IN="$(chroot "$ROOT" getent passwd root | cut -d: -f6)"
git clone -q "$PWD" "$ROOT$HOME_IN/clone"

cat > "$ROOT$HOME_IN/timed-demo.sh" <<'INNER'
#!/bin/bash
cd "$HOME/clone"
start=$(date +%s%N)
./dev demo 2>&1 | while IFS= read -r line; do
  now=$(date +%s%N)
  printf '%6d.%01d %s\n' $(((now - start) / 1000000000)) $(((now - start) / 100000000 % 10)) "$line"
done
echo "exit ${PIPESTATUS[0]}"
INNER
chmod +x "$ROOT$HOME_IN/timed-demo.sh"
echo "fresh Debian 12 in $ROOT; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# A login shell: PATH is the chroot's own (/etc/profile), as on a machine just logged into.
chroot "$ROOT" /usr/bin/env -i HOME="$HOME_IN" TERM=dumb /bin/bash -lc 'time "$HOME/timed-demo.sh"'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
