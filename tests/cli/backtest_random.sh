# A backtest agrees with score account by account, lead times included
# (tests/cli/backtest_model.py): seeded, 40 small random databases read in
# four zones (the backtest folds each account's events in memory, score
# asks the store: a day cut in the wrong zone shows); fewer under a WRAP
# tool (valgrind).
set -u
ONBOARD=${ONBOARD:-$PWD/build/onboard}
export ONBOARD
if [ -n "${WRAP:-}" ]; then
	TZ=America/Los_Angeles python3 tests/cli/backtest_model.py 20261201 3
else
	for zone in UTC America/Los_Angeles Asia/Kathmandu Pacific/Kiritimati; do
		TZ=$zone python3 tests/cli/backtest_model.py "20261201$(printf '%s' "$zone" | cksum | cut -c1-4)" 10
	done
fi
