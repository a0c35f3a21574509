# A backtest agrees with score account by account, lead times included
# (tests/cli/backtest_model.py): seeded, 40 small random databases; fewer
# under a WRAP tool (valgrind).
set -u
ONBOARD=${ONBOARD:-$PWD/build/onboard}
export ONBOARD
if [ -n "${WRAP:-}" ]; then
	python3 tests/cli/backtest_model.py 20261201 3
else
	python3 tests/cli/backtest_model.py 20261201 40
fi
