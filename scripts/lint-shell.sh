#!/usr/bin/env bash
# Runs shellcheck on every shell script of the repository: tracked and new
# (not ignored) files named *.sh or *.bash, and files whose first line is a
# sh/bash/dash/ksh shebang (e.g. .ci/run). node_modules is never searched.
# Exits non-zero when shellcheck reports anything or is not installed.
#
# Usage: scripts/lint-shell.sh [extra shellcheck args, e.g. --severity=warning]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck is not installed (Debian: apt-get install shellcheck)" >&2
  exit 2
fi

is_shell_script() {
  local file=$1 first_line
  case "$file" in
    *.sh | *.bash) return 0 ;;
  esac
  IFS= read -r first_line <"$file" 2>/dev/null || return 1
  [[ "$first_line" =~ ^#!\ *(/usr)?/bin/(env\ +)?(ba|da|k)?sh([[:space:]]|$) ]]
}

scripts=()
while IFS= read -r -d '' file; do
  [[ "$file" == node_modules/* || "$file" == */node_modules/* ]] && continue
  [[ -f "$file" ]] || continue
  is_shell_script "$file" && scripts+=("$file")
done < <(git ls-files -z --cached --others --exclude-standard)

if [[ ${#scripts[@]} -eq 0 ]]; then
  echo "no shell scripts found"
  exit 0
fi

echo "shellcheck: ${#scripts[@]} script(s)"
printf '  %s\n' "${scripts[@]}"
shellcheck --external-sources "$@" -- "${scripts[@]}"
echo "shellcheck: no findings"
