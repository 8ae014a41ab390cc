#!/usr/bin/env bash
# The README's test command: on a fresh Debian machine, installs the Debian packages the integration tests drive,
# then runs every test with the project's own Maven (the wrapper). Extra arguments go to Maven, e.g.
#   server-config/test.sh -Dit.test=SecurityIT
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"

# The real clients the integration tests drive (and the browser the console's tests drive), each with the Debian
# package that provides it.
tools=(skopeo podman buildah dockerd /usr/bin/aws chromium chromedriver)
packages=(skopeo podman buildah docker.io awscli chromium chromium-driver)

missing=()
for i in "${!tools[@]}"; do
  if ! command -v "${tools[$i]}" >/dev/null 2>&1; then
    missing+=("${packages[$i]}")
  fi
done

if [ "$(id -u)" != 0 ]; then
  # The tests start their own dockerd and run podman and buildah with root's storage.
  echo "server-config/test.sh: the integration tests start dockerd and run podman as root; run this as root" >&2
  [ ${#missing[@]} -gt 0 ] && echo "  and install first: sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "server-config/test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cd "$project"
exec ./mvnw -B verify "$@"
