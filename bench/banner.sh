#!/usr/bin/env bash
# Times `desk banner` and `desk remind` on a large database against the
# floor: the sqlite3 shell running the plain queries a banner needs on the
# same file. Prints mean wall time per run and peak memory side by side.
#
#   bench/banner.sh [TICKETS]       default 1000000 (about 5,000,000 entries)
#
# BENCH_DIR keeps the database between runs (default: a new temporary
# folder, removed at the end); RUNS sets how many times each command runs
# (default 200; remind runs RUNS/10 times). Needs sqlite3 and GNU time
# (/usr/bin/time); uses hyperfine too when it is installed.
set -euo pipefail

tickets=${1:-1000000}
runs=${RUNS:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }
done

cargo build --release --quiet --bin desk --example bench-db
desk=$root/target/release/desk

if [ -n "${BENCH_DIR-}" ]; then
    dir=$BENCH_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
db=$dir/bench-$tickets.db
if [ ! -f "$db" ]; then
    start=$(date +%s%N)
    "$root/target/release/examples/bench-db" "$db" "$tickets"
    echo "built $db in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -m "$db" | cut -f1) MiB)"
fi

export DESK_DB=$db DESK_USER=anna NO_COLOR=1 LC_ALL=C desk tickets
unset DESK_NOW

# What a banner needs, as plain SQL: count the pending tickets by state,
# and list the user's newest five.
floor_sql="SELECT state, count(*) FROM tickets WHERE state <> 'closed' GROUP BY state;
SELECT t.id, t.state, cu.name, t.subject, t.opened_at, t.due
  FROM tickets t JOIN customers cu ON cu.id = t.customer_id
  JOIN users u ON u.id = t.owner_id
  WHERE u.login = 'anna' AND t.state <> 'closed'
  ORDER BY t.last_entry_at DESC, t.id DESC LIMIT 5;"
printf '%s\n' "$floor_sql" > "$dir/floor.sql"
floor() { sqlite3 -readonly "$db" ".read $dir/floor.sql"; }
banner() { "$desk" banner; }
remind() { "$desk" remind; }
remind_json() { "$desk" remind --json; }
# The views of field case F23: a list, one ticket, a long list for scripts.
list_new() { "$desk" ticket list --state new; }
show_one() { "$desk" ticket show "$(( tickets / 2 ))"; }
list_json() { "$desk" ticket list --json; }

# Mean milliseconds per run of a function, over N runs after a warm-up.
mean_ms() {
    local n=$1 fn=$2 i start
    for i in 1 2 3; do "$fn" >/dev/null; done
    start=$(date +%s%N)
    for ((i = 0; i < n; i++)); do "$fn" >/dev/null; done
    awk -v ns=$(( $(date +%s%N) - start )) -v n="$n" 'BEGIN { printf "%.2f", ns / n / 1e6 }'
}

# Peak resident memory in KiB of one run.
peak_kib() {
    local fn=$1
    case $fn in
        floor) /usr/bin/time -f %M sqlite3 -readonly "$db" ".read $dir/floor.sql" 2>&1 >/dev/null | tail -1 ;;
        banner) /usr/bin/time -f %M "$desk" banner 2>&1 >/dev/null | tail -1 ;;
        remind) /usr/bin/time -f %M "$desk" remind 2>&1 >/dev/null | tail -1 ;;
        remind_json) /usr/bin/time -f %M "$desk" remind --json 2>&1 >/dev/null | tail -1 ;;
        *) /usr/bin/time -f %M bash -c "$(declare -f "$fn"); $fn" 2>&1 >/dev/null | tail -1 ;;
    esac
}

echo
echo "database: $(sqlite3 -readonly "$db" "SELECT (SELECT count(*) FROM tickets) || ' tickets, '
    || (SELECT count(*) FROM tickets WHERE state <> 'closed') || ' pending, '
    || (SELECT max(id) FROM entries) || ' entries'")"
echo "reminders: $("$desk" remind --json | grep -c '"reason"') facts for $("$desk" remind --json | grep -c '"reminders"') owners"
echo
echo "query plans behind the banner (sqlite3 EXPLAIN QUERY PLAN on this file):"
sqlite3 -readonly "$db" "EXPLAIN QUERY PLAN SELECT state, n FROM tally WHERE owner_id = 0 AND state IN ('new', 'in_progress');" | sed 's/^/  /'
sqlite3 -readonly "$db" "EXPLAIN QUERY PLAN SELECT t.id, t.state, cu.name, t.subject, t.opened_at, t.due
    FROM tickets t JOIN customers cu ON cu.id = t.customer_id
    WHERE t.owner_id = 1 AND t.state <> 'closed' ORDER BY t.last_entry_at DESC, t.id DESC LIMIT 5;" | sed 's/^/  /'
echo
printf '%-34s %10s %12s\n' "command" "mean ms" "peak RSS KiB"
printf '%-34s %10s %12s\n' "sqlite3 floor (count + newest 5)" "$(mean_ms "$runs" floor)" "$(peak_kib floor)"
printf '%-34s %10s %12s\n' "desk banner" "$(mean_ms "$runs" banner)" "$(peak_kib banner)"
slow=$(( runs / 10 > 0 ? runs / 10 : 1 ))
printf '%-34s %10s %12s\n' "desk remind" "$(mean_ms "$slow" remind)" "$(peak_kib remind)"
printf '%-34s %10s %12s\n' "desk remind --json" "$(mean_ms "$slow" remind_json)" "$(peak_kib remind_json)"
printf '%-34s %10s %12s\n' "desk ticket list --state new" "$(mean_ms "$slow" list_new)" "$(peak_kib list_new)"
printf '%-34s %10s %12s\n' "desk ticket show (one ticket)" "$(mean_ms "$runs" show_one)" "$(peak_kib show_one)"
printf '%-34s %10s %12s\n' "desk ticket list --json (pending)" "$(mean_ms "$slow" list_json)" "$(peak_kib list_json)"

# --new writes, so it runs on a copy: the first run records every fact,
# the second finds nothing new.
copy=$dir/bench-new.db
cp "$db" "$copy"
# Flush the copy first, or the first commit's fsync pays for writing it out.
sync "$copy"
for run in first second; do
    start=$(date +%s%N)
    lines=$(DESK_DB=$copy "$desk" remind --new | wc -l)
    printf '%-34s %10s %12s\n' "desk remind --new ($run run)" \
        "$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.2f", ns / 1e6 }')" "($lines lines)"
done
rm -f "$copy" "$copy-wal" "$copy-shm"

if command -v hyperfine >/dev/null; then
    echo
    hyperfine -N --warmup 20 --runs "$runs" \
        "sqlite3 -readonly $db '.read $dir/floor.sql'" "$desk banner"
fi
