#!/bin/sh
# /usr/bin/lifeline: the agent and the operator's command line (installed by the lifeline package).
# The path is resolved from this file's own location, so an unpacked copy (dpkg -x) runs too.
here=$(dirname "$(readlink -f "$0")")
exec /usr/bin/node "$here/../lib/lifeline/build/backend/cli/main.js" "$@"
