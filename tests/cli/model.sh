# The scheduler against a model of SPEC.md's written from the spec
# (tests/cli/schedule_model.py): seeded, 30 random playbooks of 40
# accounts each, as of 8 days each; fewer under a WRAP tool (valgrind).
set -u
ONBOARD=${ONBOARD:-$PWD/build/onboard}
export ONBOARD
if [ -n "${WRAP:-}" ]; then
	python3 tests/cli/schedule_model.py 20261201 3 3
else
	python3 tests/cli/schedule_model.py 20261201 30 8
fi
