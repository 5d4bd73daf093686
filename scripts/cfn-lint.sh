#!/usr/bin/env bash
# Validates every packaged CloudFormation template with cfn-lint (the rules it
# skips, each with its reason, are in .cfnlintrc.yaml). Run after
# `npm run package:all`; fails if a stack has no packaged template.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

command -v cfn-lint >/dev/null 2>&1 || {
  echo "cfn-lint is not installed (pip install cfn-lint)" >&2
  exit 1
}

templates=()
missing=()
for dir in . services/*/ web; do
  dir="${dir%/}"
  [[ -f "$dir/serverless.yml" ]] || continue
  template="$dir/.serverless/cloudformation-template-update-stack.json"
  if [[ -f "$template" ]]; then templates+=("$template"); else missing+=("$dir"); fi
done
if ((${#missing[@]} > 0)); then
  echo "not packaged (run npm run package:all): ${missing[*]}" >&2
  exit 1
fi

echo "cfn-lint $(cfn-lint --version | awk '{print $2}') on ${#templates[@]} template(s)"
cfn-lint --config-file .cfnlintrc.yaml -- "${templates[@]}"
