#!/bin/sh
# The seed's complaints case, end to end, on a fresh database in a temporary
# folder: a customer phones about a faulty kettle, the clerk opens a ticket,
# the owner logs the pick-up and the send-off to the maker, closes it; the
# customer calls again, the ticket is reopened, logged and closed; then the
# whole history is shown and verified.
#
#   sh examples/demo.sh            uses `desk` from PATH
#   DESK_BIN=target/debug/desk sh examples/demo.sh
set -eu

desk=${DESK_BIN:-desk}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DESK_DB="$work/desk.db" NO_COLOR=1

say() {
    printf '\n$ desk'
    printf " '%s'" "$@"
    printf '\n'
    "$desk" "$@"
}

# The first user to create the database is its administrator.
say --as ewa init
say --as ewa user add marek --name "Marek Nowak"
say --as ewa class edit complaints --owner marek

# Ewa, the clerk, takes the call; the ticket goes to the class's owner.
say --as ewa ticket open "Kettle leaks after two weeks" --class complaints \
    --customer "Kowalski AGD" --channel phone --at "yesterday 09:10" \
    -m "Mr Kowalski bought a KT-200 kettle on 20 Nov; it leaks at the base."

# Marek works the case.
say --as marek ticket log 1 "Agreed with the customer: courier picks the kettle up on Monday."
say --as marek ticket log 1 --at "yesterday 15:30" "Kettle sent to the maker for inspection."
say --as marek ticket close 1 -m "Maker replaced the kettle; customer informed."

# The customer calls again: the new kettle leaks too.
say --as ewa ticket reopen 1 -m "Customer called: the replacement leaks as well."
say --as marek ticket log 1 "Refund of the price agreed; bank transfer sent."
say --as marek ticket close 1 -m "Refund confirmed by the customer."

say ticket show 1
say ticket list --all
say verify
