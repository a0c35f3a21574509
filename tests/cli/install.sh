# make install PREFIX=... DESTDIR=...: the binary and the bundled playbooks.
. tests/cli/lib.sh

make -s --no-print-directory install BUILD="${BUILD:-build}" \
	PREFIX=/opt/onb DESTDIR="$T/stage" >"$T/log" 2>&1
rc=$? out="" err=$(cat "$T/log")
expect "make install" 0 "*" "*"
assert "the binary" test -x "$T/stage/opt/onb/bin/onboard"
for f in default segments professional-services; do
	assert "playbook $f" test -f "$T/stage/opt/onb/share/onboard/playbooks/$f.yaml"
done
run playbook check -q "$T/stage/opt/onb/share/onboard/playbooks/default.yaml"
expect "installed playbooks pass" 0 "" ""
finish
