#!/bin/sh
# Every reminder as a CSV row for a spreadsheet: owner, ticket, reason, since,
# customer, subject. Needs jq.
set -eu
# Read first, so that a failing desk (a wrong DESK_DB) fails the script too.
json=$(${DESK:-desk} remind --json)
printf '%s\n' "$json" | jq -r '
    ["owner", "ticket", "reason", "since", "customer", "subject"],
    (.[] | .owner as $owner | .reminders[]
         | [$owner, .ticket.id, .reason, .since, .ticket.customer.name, .ticket.subject])
    | @csv'
