#!/usr/bin/env bash
# Package every stack with osls, offline and without AWS credentials:
#   the infrastructure stack (./serverless.yml), every services/*/serverless.yml,
#   and the web console's stack (web/serverless.yml; it packages without
#   web/dist: the files are uploaded at deploy).
# Each stack is packaged into its own default `.serverless/` directory.
# Prints one line per stack; exits non-zero if any stack fails (its log is
# printed to stderr).
#
# Usage: scripts/package-all.sh [extra osls args, e.g. --region eu-west-1]
# Env:   PACKAGE_STAGE (default ci), PACKAGE_JOBS (parallel stacks, default nproc),
#        PACKAGE_TIMEOUT (seconds per stack, default 300)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

stage="${PACKAGE_STAGE:-ci}"
jobs="${PACKAGE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
stack_timeout="${PACKAGE_TIMEOUT:-300}"

# osls (the open-source Serverless Framework v3 fork) has no telemetry and
# `package` needs no AWS API call as long as no `${cf:..}`/`${ssm:..}`/`${s3:..}`
# variables are used (services use Fn::ImportValue instead). These keep it
# quiet and off the network should a future version add such features.
export SLS_TELEMETRY_DISABLED=1
export SLS_TRACKING_DISABLED=1
export SLS_NOTIFICATIONS_MODE=off
export SLS_INTERACTIVE_SETUP_DISABLE=1
export CI="${CI:-1}"
# No credentials are needed; make sure a stray profile cannot make the AWS SDK
# try to load SSO/credential-process configuration.
unset AWS_PROFILE AWS_DEFAULT_PROFILE

if [[ -x "$repo_root/node_modules/.bin/osls" ]]; then
  osls=("$repo_root/node_modules/.bin/osls")
else
  osls=(npx --no osls)
fi
# Safety net: a plugin that leaves a child process running (e.g. an esbuild
# rebuild context after a failed build) would otherwise keep osls alive forever.
if command -v timeout >/dev/null 2>&1; then
  osls=(timeout --kill-after=10 "$stack_timeout" "${osls[@]}")
fi

# Stack directories: the root first, then every service (picked up automatically), then the console.
stacks=(.)
for dir in services/*/; do
  dir="${dir%/}"
  [[ -f "$dir/serverless.yml" ]] && stacks+=("$dir")
done
stacks+=(web)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

package_one() {
  local index="$1" dir="$2"
  local start end status=0
  start=$(date +%s%N)
  (cd "$repo_root/$dir" && "${osls[@]}" package --stage "$stage" "${@:3}") \
    >"$work/$index.log" 2>&1 || status=$?
  end=$(date +%s%N)
  printf '%s %s\n' "$status" "$(((end - start) / 1000000))" >"$work/$index.status"
}

total_start=$(date +%s%N)
running=0
for i in "${!stacks[@]}"; do
  package_one "$i" "${stacks[$i]}" "$@" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
for i in "${!stacks[@]}"; do
  dir="${stacks[$i]}"
  name="${dir}"
  [[ "$dir" == "." ]] && name="(root)"
  status=1 ms=0
  if [[ -f "$work/$i.status" ]]; then
    read -r status ms <"$work/$i.status"
  fi
  secs="$(printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10)))"
  if [[ "$status" == "0" ]]; then
    printf 'ok    %-28s %6ss  %s/.serverless/\n' "$name" "$secs" "$dir"
  else
    failed=1
    printf 'FAIL  %-28s %6ss  exit %s\n' "$name" "$secs" "$status"
    {
      echo "----- osls package output for $name -----"
      cat "$work/$i.log" 2>/dev/null || true
      echo "-----"
    } >&2
  fi
done

total_end=$(date +%s%N)
total_ms=$(((total_end - total_start) / 1000000))
printf 'packaged %d stack(s) for stage %s in %d.%02ds\n' "${#stacks[@]}" "$stage" \
  $((total_ms / 1000)) $((total_ms % 1000 / 10))

exit "$failed"
