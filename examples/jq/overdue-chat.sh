#!/bin/sh
# My overdue tickets as one chat message: a JSON body {"text": …} that most
# chat webhooks accept. Prints nothing when none is overdue, so that
#   examples/jq/overdue-chat.sh | curl -sf -H 'Content-Type: application/json' -d @- "$HOOK"
# posts only when there is something to say. Needs jq.
set -eu
# Read first, so that a failing desk (a wrong DESK_DB) fails the script too.
json=$(${DESK:-desk} ticket list --mine --overdue --sort due --json)
printf '%s\n' "$json" | jq -c '
    select(length > 0)
    | {text: ([
        "Overdue tickets of \(.[0].owner):",
        (.[] | "• #\(.id) \(.subject) (\(.customer.name)), due \(.due)")
      ] | join("\n"))}'
