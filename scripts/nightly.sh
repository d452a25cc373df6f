#!/usr/bin/env bash
# Nightly leadscore run for cron: one dated output folder per night (OUT_ROOT/YYYY-MM-DD/), the last
# successful night's scored.csv fed as --previous, the newest KEEP days kept, and leadscore's exit code
# as this script's exit code (0 ok, 2 usage or invalid model, 3 input data error, 1 bug).
# See docs/operations.md.
#
#   scripts/nightly.sh -m MODEL -l LEADS [-a ACTIVITIES ...] [-o OUT_ROOT] [--keep DAYS] [-- SCORE_ARGS ...]
#
# Environment:
#   LEADSCORE            the leadscore command, words split on spaces, e.g. "node /opt/leadscore/bin/leadscore"
#                        (default: leadscore on PATH, else bin/leadscore of this checkout)
#   NIGHTLY_DATE         the night's date, YYYY-MM-DD (default: today, UTC); also the default --as-of
#   NIGHTLY_AS_OF        --as-of for the run (default: NIGHTLY_DATE when it is set, else now)
#   LOG_FORMAT           text or json (default json: one event per line on stderr, for log collectors)
#   NIGHTLY_ALERT_WEBHOOK  a Slack-compatible incoming webhook URL: posted to when the run fails
set -u -o pipefail

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

model="" leads="" out_root="out" keep=14
activities=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -m|--model) model=${2:-}; shift 2 ;;
    -l|--leads) leads=${2:-}; shift 2 ;;
    -a|--activities) activities+=("${2:-}"); shift 2 ;;
    -o|--out-root) out_root=${2:-}; shift 2 ;;
    --keep) keep=${2:-}; shift 2 ;;
    -h|--help) usage ;;
    --) shift; extra=("$@"); break ;;
    *) echo "nightly.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$model" ] && [ -n "$leads" ] || { echo "nightly.sh: -m MODEL and -l LEADS are required" >&2; usage; }
case "$keep" in ''|*[!0-9]*|0) echo "nightly.sh: --keep must be a whole number of days, 1 or more" >&2; exit 2 ;; esac

if [ -z "${LEADSCORE:-}" ]; then
  if command -v leadscore >/dev/null 2>&1; then LEADSCORE=leadscore
  else LEADSCORE="$(cd "$(dirname "$0")/.." && pwd)/bin/leadscore"; fi
fi
read -r -a leadscore_cmd <<< "$LEADSCORE"
log_format=${LOG_FORMAT:-json}
day=${NIGHTLY_DATE:-$(date -u +%F)}
case "$day" in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;; *) echo "nightly.sh: NIGHTLY_DATE must be YYYY-MM-DD (got $day)" >&2; exit 2 ;; esac
as_of=${NIGHTLY_AS_OF:-${NIGHTLY_DATE:-}}

# A message of the wrapper, in the run's log format (stderr).
say() { # level event message
  if [ "$log_format" = json ]; then
    printf '{"ts":"%s","level":"%s","event":"%s","message":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" "$(printf '%s' "$3" | sed 's/\\/\\\\/g; s/"/\\"/g')" >&2
  else
    printf 'nightly: %s\n' "$3" >&2
  fi
}

# Days since 1970 of a YYYY-MM-DD date (GNU date, else BSD date).
epoch_day() {
  local s
  s=$(date -u -d "$1" +%s 2>/dev/null || date -u -j -f %F "$1" +%s 2>/dev/null) || return 1
  echo $((s / 86400))
}

mkdir -p "$out_root" || exit 2
dir="$out_root/$day"

# The last night before this one with a scored.csv (a failed night leaves none, so it is skipped).
prev=""
for d in "$out_root"/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]; do
  [ -d "$d" ] && [ -f "$d/scored.csv" ] || continue
  [[ "$(basename "$d")" < "$day" ]] && prev=$d   # the glob is sorted: the last match is the newest
done

args=(score -m "$model" -l "$leads")
for a in ${activities[@]+"${activities[@]}"}; do args+=(-a "$a"); done
args+=(-o "$dir" --log-format "$log_format")
[ -n "$as_of" ] && args+=(--as-of "$as_of")
if [ -n "$prev" ]; then
  # --previous is passed only to a leadscore that has it (older versions score without the comparison).
  if "${leadscore_cmd[@]}" score --help 2>/dev/null | grep -q -- '--previous'; then
    args+=(--previous "$prev/scored.csv")
    say info nightly_previous "comparing with $prev/scored.csv"
  else
    say warn nightly_previous "this leadscore has no --previous: scoring without the comparison with $prev"
  fi
fi
args+=(${extra[@]+"${extra[@]}"})

say info nightly_start "scoring into $dir"
"${leadscore_cmd[@]}" "${args[@]}"
code=$?

if [ "$code" -eq 0 ]; then
  ln -sfn "$day" "$out_root/latest" 2>/dev/null || true
  # Retention: dated folders more than KEEP-1 days before this night are removed (only after a success,
  # so that a failing job never deletes the last good outputs).
  today=$(epoch_day "$day") || { say warn nightly_prune "cannot compute dates with this date(1); nothing pruned"; exit 0; }
  for d in "$out_root"/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]; do
    [ -d "$d" ] || continue
    n=$(epoch_day "$(basename "$d")") || continue
    if [ $((today - n)) -ge "$keep" ]; then
      rm -rf -- "$d" && say info nightly_prune "removed $d (older than $keep days)"
    fi
  done
else
  rmdir "$dir" 2>/dev/null || true   # a failed first run leaves no empty folder behind
  say error nightly_failed "leadscore exited with $code (2: usage or invalid model, 3: input data error, 1: bug); outputs of earlier nights are untouched"
  if [ -n "${NIGHTLY_ALERT_WEBHOOK:-}" ]; then
    curl -fsS -m 20 -H 'Content-Type: application/json' \
      -d "{\"text\":\"leadscore nightly $day failed with exit $code on $(hostname)\"}" \
      "$NIGHTLY_ALERT_WEBHOOK" >/dev/null || say warn nightly_alert "the alert webhook could not be reached"
  fi
fi
exit "$code"
