#!/bin/sh
# How many reminders each owner has, by reason, as tab-separated columns:
# owner, first_response, stale, overdue. Needs jq.
set -eu
# Read first, so that a failing desk (a wrong DESK_DB) fails the script too.
json=$(${DESK:-desk} remind --json)
printf '%s\n' "$json" | jq -r '
    .[]
    | [.owner,
       ([.reminders[] | select(.reason == "first_response")] | length),
       ([.reminders[] | select(.reason == "stale")] | length),
       ([.reminders[] | select(.reason == "overdue")] | length)]
    | @tsv'
