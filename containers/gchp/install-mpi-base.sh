#!/usr/bin/env bash
# The MPI base both GCHP image stages share: GEOS-Chem's run-time libraries,
# ssh (mpirun's launcher), and Open MPI + libfabric from the AWS EFA installer.
# In a container only the user-space parts are installed (no kernel module, no
# limits file): the host's EFA driver is used through the device Batch maps in.
#   install-mpi-base.sh <efa-installer-version>
set -euo pipefail

efa_version="${1:?usage: install-mpi-base.sh <efa-installer-version>}"

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  ca-certificates \
  curl \
  libgfortran5 \
  libgomp1 \
  libnetcdf19 \
  libnetcdff7 \
  openssh-client \
  openssh-server \
  pciutils

work="$(mktemp -d)"
curl -fsSL "https://efa-installer.amazonaws.com/aws-efa-installer-${efa_version}.tar.gz" -o "$work/efa.tar.gz"
tar -xzf "$work/efa.tar.gz" -C "$work"
(cd "$work/aws-efa-installer" && ./efa_installer.sh -y --skip-kmod --skip-limit-conf --no-verify)
rm -rf "$work" /var/lib/apt/lists/*
printf 'EFA installer %s for %s\n' "$efa_version" "$(uname -m)" >/opt/amazon/BUILD_INFO
