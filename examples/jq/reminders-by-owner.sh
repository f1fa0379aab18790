#!/bin/sh
# How many reminders each owner has, by reason, as tab-separated columns:
# owner, first_response, stale, overdue. Needs jq.
set -eu
${DESK:-desk} remind --json | jq -r '
    .[]
    | [.owner,
       ([.reminders[] | select(.reason == "first_response")] | length),
       ([.reminders[] | select(.reason == "stale")] | length),
       ([.reminders[] | select(.reason == "overdue")] | length)]
    | @tsv'
