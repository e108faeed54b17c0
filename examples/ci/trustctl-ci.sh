#!/bin/sh
# The trustctl commands of the CI recipes beside this file (gitlab-ci.yml, github-actions.yml), in one place so both
# recipes run the same commands and tests/e2e/ci_recipes_test.cpp runs exactly these against vos-sim.
#
#   trustctl-ci.sh plan     plan the site: Markdown for the merge-request comment, the saved plan for the apply job
#   trustctl-ci.sh apply    apply the reviewed plan file (no second approval), streaming jsonl events
#   trustctl-ci.sh expiry   fail (exit 2) when a certificate expires or is due for renewal within WITHIN_DAYS
#
# Settings (environment): TRUSTCTL (the binary, default trustctl), SITE (default site.toml), OUT (the artifact
# directory, default trustctl-out), WITHIN_DAYS (default 30), LOCK_TIMEOUT (default 10m).
set -u

TRUSTCTL="${TRUSTCTL:-trustctl}"
SITE="${SITE:-site.toml}"
OUT="${OUT:-trustctl-out}"
mkdir -p "$OUT" || exit 1

case "${1:-}" in
  plan)
    # The plan file keeps the site's path relative to itself: the apply job's checkout of the same commit has it.
    "$TRUSTCTL" plan "$SITE" --format markdown --out "$OUT/site.tfplan" --detailed-exitcode > "$OUT/plan.md"
    code=$?
    case "$code" in
      0) echo "trustctl: no changes" ;;
      2) echo "trustctl: changes planned; review $OUT/plan.md, then run the manual apply job" ;;
      3) echo "trustctl: changes planned, but lint errors will block apply (see $OUT/plan.md)" >&2; exit 3 ;;
      *) exit "$code" ;;
    esac
    ;;
  apply)
    "$TRUSTCTL" apply "$OUT/site.tfplan" --lock-timeout "${LOCK_TIMEOUT:-10m}" --format jsonl > "$OUT/apply.jsonl"
    ;;
  expiry)
    "$TRUSTCTL" expiry "$SITE" --within "${WITHIN_DAYS:-30}" --format json > "$OUT/expiry.json"
    ;;
  *)
    echo "usage: trustctl-ci.sh plan|apply|expiry" >&2
    exit 1
    ;;
esac
