#!/bin/sh
# A throwaway PostgreSQL server for the tests.
#
#   sh tests/pg-server.sh start DIR   prints the URI of a new, empty
#                                     database onboard_test on a server
#                                     in DIR (a Unix socket there, no TCP)
#   sh tests/pg-server.sh stop DIR    stops it and removes DIR
#   sh tests/pg-server.sh halt DIR    stops it at once, as a crash would
#   sh tests/pg-server.sh restart DIR starts a halted one again
#
# start exits 3 when no server can be had here (no binaries, or running as
# root with no postgres user to run it as), 1 on any other failure, with
# the server's log on stderr. The server binaries are ONBOARD_PG_BINDIR when
# set, else the newest /usr/lib/postgresql/*/bin, else pg_config --bindir,
# else initdb's directory on PATH. As root, the server runs as postgres and
# DIR is given to it; the role is onboard with trust authentication either
# way. fsync is off: a crash loses the database, which is thrown away.
set -eu

usage() {
	echo "usage: sh tests/pg-server.sh start|stop|halt|restart DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage

unavailable() {
	echo "pg-server: $*" >&2
	exit 3
}

die() {
	echo "pg-server: $*" >&2
	exit 1
}

# The directory holding initdb, pg_ctl and postgres, or nothing.
find_bindir() {
	if [ -n "${ONBOARD_PG_BINDIR:-}" ]; then
		printf '%s\n' "$ONBOARD_PG_BINDIR"
		return
	fi
	best=
	for b in /usr/lib/postgresql/*/bin; do
		[ -x "$b/initdb" ] && best="$best$b
"
	done
	if [ -n "$best" ]; then
		# The highest version: sort the version part numerically.
		printf '%s' "$best" | sed 's|^/usr/lib/postgresql/||' |
			sort -t/ -k1,1n | tail -n 1 |
			sed 's|^|/usr/lib/postgresql/|'
		return
	fi
	if command -v pg_config >/dev/null 2>&1; then
		b=$(pg_config --bindir 2>/dev/null) || b=
		if [ -n "$b" ] && [ -x "$b/initdb" ]; then
			printf '%s\n' "$b"
			return
		fi
	fi
	if b=$(command -v initdb 2>/dev/null) && [ -n "$b" ]; then
		dirname "$b"
	fi
}

# Runs a server-side tool as the user the server runs as.
as_server() {
	if [ -n "$server_user" ]; then
		runuser -u "$server_user" -- "$@"
	else
		"$@"
	fi
}

# Percent-encodes $1 for a URI query value (keeps A-Z a-z 0-9 - . _ ~ /).
uri_encode() {
	for h in $(printf '%s' "$1" | od -An -v -tx1); do
		case $h in
		2d | 2e | 2f | 3[0-9] | 4[1-9a-f] | 5[0-9a] | 5f | \
			6[1-9a-f] | 7[0-9a] | 7e)
			# shellcheck disable=SC2059
			printf "\\$(printf '%03o' "0x$h")" ;;
		*) printf '%%%s' "$h" ;;
		esac
	done
}

# The end of the logs, on stderr.
show_logs() {
	for f in "$dir/initdb.log" "$dir/pg_ctl.log" "$dir/log"; do
		if [ -s "$f" ]; then
			echo "--- $f" >&2
			tail -n 30 "$f" >&2
		fi
	done
}

fail() {
	echo "pg-server: $*" >&2
	show_logs
	exit 1
}

# A value in postgresql.conf: quoted, quotes doubled.
conf_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

server_user=
if [ "$(id -u)" = 0 ]; then
	server_user=postgres
fi

start() {
	bindir=$(find_bindir)
	for t in initdb pg_ctl postgres; do
		if [ -z "$bindir" ] || [ ! -x "$bindir/$t" ]; then
			unavailable "no PostgreSQL server binaries" \
				"(install postgresql)${bindir:+: no $t in $bindir}"
		fi
	done
	if [ -n "$server_user" ]; then
		id -u "$server_user" >/dev/null 2>&1 ||
			unavailable "running as root and there is no" \
				"$server_user user to run the server as"
		command -v runuser >/dev/null 2>&1 ||
			unavailable "running as root and there is no runuser" \
				"to run the server as $server_user"
	fi

	mkdir -p "$dir" || die "cannot create $dir"
	dir=$(cd "$dir" && pwd -P) || die "cannot enter $dir"
	# The socket is DIR/.s.PGSQL.NNNNN and a Unix socket's path has at
	# most 107 bytes.
	if [ "${#dir}" -gt 90 ]; then
		die "$dir is too long for a Unix socket directory" \
			"(${#dir} bytes, at most 90): use a shorter one"
	fi
	[ ! -e "$dir/data" ] || die "$dir/data already exists"
	cd "$dir"

	if [ -n "$server_user" ]; then
		if ! chown "$server_user" "$dir" || ! chmod 755 "$dir"; then
			die "cannot give $dir to $server_user"
		fi
		as_server test -w "$dir/." ||
			die "$server_user cannot write to $dir" \
				"(are its parent directories searchable?)"
	fi

	# C.UTF-8 where there is such a locale, else C: the schema's text is
	# COLLATE "C" either way.
	if ! as_server "$bindir/initdb" -D "$dir/data" -A trust -U onboard \
		-E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1; then
		rm -rf "$dir/data"
		as_server "$bindir/initdb" -D "$dir/data" -A trust -U onboard \
			-E UTF8 --locale=C -N >>"$dir/initdb.log" 2>&1 ||
			fail "initdb failed"
	fi

	# Settings in the file rather than on pg_ctl -o, whose string goes
	# through a shell and would need DIR quoted for it.
	{
		echo
		echo "# pg-server.sh: a throwaway test server"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = $(conf_quote "$dir")"
		echo "unix_socket_permissions = 0777"
		echo "fsync = off"
		echo "synchronous_commit = off"
		echo "full_page_writes = off"
	} >>"$dir/data/postgresql.conf" || fail "cannot write postgresql.conf"

	if ! as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		start >"$dir/pg_ctl.log" 2>&1; then
		as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w \
			stop >/dev/null 2>&1 || :
		fail "the server did not start"
	fi

	if [ -x "$bindir/createdb" ]; then
		set -- "$bindir/createdb" -h "$dir" -U onboard onboard_test
	elif [ -x "$bindir/psql" ]; then
		set -- "$bindir/psql" -X -q -h "$dir" -U onboard -d postgres \
			-v ON_ERROR_STOP=1 -c 'CREATE DATABASE onboard_test'
	else
		set -- psql -X -q -h "$dir" -U onboard -d postgres \
			-v ON_ERROR_STOP=1 -c 'CREATE DATABASE onboard_test'
	fi
	if ! "$@" >>"$dir/pg_ctl.log" 2>&1; then
		as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w \
			stop >/dev/null 2>&1 || :
		fail "cannot create the database onboard_test"
	fi

	printf 'postgresql:///onboard_test?host=%s&user=onboard\n' \
		"$(uri_encode "$dir")"
}

stop() {
	[ -e "$dir" ] || exit 0
	cd /
	data=$dir/data
	pidfile=$data/postmaster.pid
	if [ -f "$pidfile" ]; then
		bindir=$(find_bindir)
		if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ] ||
			! as_server "$bindir/pg_ctl" -D "$data" -m fast -w \
				stop >/dev/null 2>&1; then
			# No pg_ctl, or it failed: a fast shutdown is SIGINT.
			pid=$(head -n 1 "$pidfile" 2>/dev/null) || pid=
			case $pid in
			'' | *[!0-9]*) ;;
			*)
				kill -INT "$pid" 2>/dev/null || :
				n=0
				while kill -0 "$pid" 2>/dev/null &&
					[ "$n" -lt 100 ]; do
					sleep 0.1 2>/dev/null || sleep 1
					n=$((n + 1))
				done
				if kill -0 "$pid" 2>/dev/null; then
					die "the server in $dir (pid $pid)" \
						"does not stop"
				fi
				;;
			esac
		fi
	fi
	rm -rf "$dir"
}

# The server gone at once, as in a crash (DIR kept), and back.
halt() {
	bindir=$(find_bindir)
	as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
		>/dev/null 2>&1 || die "cannot halt the server in $dir"
}

restart() {
	bindir=$(find_bindir)
	as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
		>/dev/null 2>&1 || fail "the server did not start again"
}

case $cmd in
start) start ;;
stop) stop ;;
halt) halt ;;
restart) restart ;;
*) usage ;;
esac
