# Replays against the straightforward path (tests/cli/replay_model.py):
# seeded, 60 small random databases read as of a random day in a random
# zone, against a database of only the events up to that day; fewer
# under a WRAP tool (valgrind).
set -u
ONBOARD=${ONBOARD:-$PWD/build/onboard}
export ONBOARD
if [ -n "${WRAP:-}" ]; then
	python3 tests/cli/replay_model.py 20261201 4
else
	python3 tests/cli/replay_model.py 20261201 60
fi
