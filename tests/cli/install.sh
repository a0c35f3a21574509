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
assert "the man page" test -f "$T/stage/opt/onb/share/man/man1/onboard.1"
assert "bash completion" test -f "$T/stage/opt/onb/share/bash-completion/completions/onboard"
for f in onboard-nightly-import onboard-morning-due onboard-weekly-report; do
	assert "cron example $f" test -x "$T/stage/opt/onb/share/onboard/examples/$f"
done

# The man page renders without a warning, and names every command.
groff -ww -man -Tutf8 -z "$ROOT/doc/onboard.1" >"$T/groff.log" 2>&1
assert "groff -ww: no warnings" test ! -s "$T/groff.log"
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$ROOT/doc/onboard.1" >"$T/mandoc.log" 2>&1
	assert "mandoc -T lint: clean" test ! -s "$T/mandoc.log"
fi
"$ONBOARD" --help | sed -n 's/^  \([a-z][a-z]*\( [a-z][a-z]*\)*\)   *[A-Z].*/\1/p' >"$T/commands"
assert "the help lists commands" test "$(wc -l <"$T/commands")" -gt 15
while read -r c; do
	assert "the man page names '$c'" grep -q "^\.B.* \?$(echo "$c" | sed 's/.* //')" "$ROOT/doc/onboard.1"
done <"$T/commands"
finish
