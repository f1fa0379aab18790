#!/bin/sh
# Every reminder as a CSV row for a spreadsheet: owner, ticket, reason, since,
# customer, subject. Needs jq.
set -eu
${DESK:-desk} remind --json | jq -r '
    ["owner", "ticket", "reason", "since", "customer", "subject"],
    (.[] | .owner as $owner | .reminders[]
         | [$owner, .ticket.id, .reason, .since, .ticket.customer.name, .ticket.subject])
    | @csv'
