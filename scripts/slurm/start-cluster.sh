#!/bin/sh
# Starts a single-node Slurm cluster (Debian 12's Slurm 22.05) for the agent's
# integration tests, CI and the demo (docs/SLURM.md). Run as root. Installs
# munge, slurmctld, slurmd and slurm-client with apt when they are missing,
# writes /etc/slurm/slurm.conf, starts munged, slurmctld and slurmd, and waits
# until the node is idle. No slurmdbd: the agent's fallback for jobs gone from
# squeue reads the jobcomp/filetxt log through `sacct -c` (see docs/SLURM.md).
#
#   SLURM_CPUS=N           CPUs the node advertises (default 8: more than the
#                          cores, so an array's %N throttle, not the CPUs, limits)
#   SLURM_MIN_JOB_AGE=S    seconds a finished job stays in squeue/scontrol (default
#                          10, Slurm's own is 300: a short one makes the tests go
#                          through the agent's fallback to the jobcomp log)
#   SLURM_KEEP_STATE=1     keep the controller's job records and id counter
#   SLURM_SKIP_INSTALL=1   never call apt-get
set -eu

HOST=$(hostname -s)
CPUS=${SLURM_CPUS:-8}
MIN_JOB_AGE=${SLURM_MIN_JOB_AGE:-10}
MEM=$(free -m | awk '/^Mem:/{print $2}')
CONF=/etc/slurm/slurm.conf

log() { printf 'start-cluster: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "start-cluster: must run as root (it writes /etc/slurm and starts slurmd)" >&2
  exit 1
fi

if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
  log "a cluster is already up"
  exit 0
fi

if [ "${SLURM_SKIP_INSTALL:-0}" != 1 ] && ! { [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ] && command -v sbatch >/dev/null 2>&1; }; then
  log "installing munge slurmctld slurmd slurm-client"
  DEBIAN_FRONTEND=noninteractive
  export DEBIAN_FRONTEND
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null
fi

# munged runs as munge (the key belongs to munge; as root it refuses the key).
# /run is a tmpfs: nothing recreates /run/munge without systemd.
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
fi

# 127.0.0.1 everywhere: the cluster never depends on the host name resolving.
# config_overrides lets the node advertise SLURM_CPUS; CR_Core_Memory with
# DefMemPerCPU accounts --mem; jobcomp/filetxt keeps finished jobs for sacct -c.
install -d -m 0755 /etc/slurm
cat >"$CONF" <<CONF
ClusterName=ci
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SchedulerType=sched/backfill
MinJobAge=${MIN_JOB_AGE}
KillWait=30
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} Sockets=1 CoresPerSocket=${CPUS} ThreadsPerCore=1 RealMemory=${MEM} State=UNKNOWN
PartitionName=debug Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=${HOST} MaxTime=02:00:00 State=UP
CONF

install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm
install -d -m 0755 /var/spool/slurmd
if [ "${SLURM_KEEP_STATE:-0}" != 1 ]; then
  # A fresh controller: job ids restart at 1, no jobs from an earlier run.
  rm -rf /var/spool/slurmctld/* /var/log/slurm/jobcomp.log
fi
# A pid file left by a killed daemon could name another process by now; the
# daemons write new ones.
rm -f /run/slurmctld.pid /run/slurmd.pid

/usr/sbin/slurmctld
/usr/sbin/slurmd

i=0
until sinfo -h -o %T 2>/dev/null | grep -qx idle; do
  i=$((i + 1))
  if [ "$i" -ge 600 ]; then
    echo "start-cluster: the node never became idle" >&2
    sinfo >&2 || true
    tail -n 20 /var/log/slurm/slurmctld.log >&2 || true
    exit 1
  fi
  sleep 0.1
done
log "cluster up: node ${HOST} idle, ${CPUS} CPUs, MinJobAge=${MIN_JOB_AGE}"
