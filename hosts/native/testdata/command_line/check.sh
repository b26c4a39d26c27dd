#!/bin/sh
# A command_line auth command for the tests, written as Home Assistant's
# documentation describes them: the credentials arrive in the environment,
# exit code 0 accepts them, and with meta on the output names the user.
#
# alice / "wonder land"  accepted, with meta lines
# env / anything         accepted, prints its environment (minus the
#                        shell's own PWD) as comment lines
# slow / anything        sleeps, for the time limit
# anyone else            exit code 3
case "$username" in
alice)
	[ "$password" = "wonder land" ] || exit 3
	echo "# meta for $username"
	echo "name = Alice Liddell"
	echo "group=system-users"
	echo "local_only=true"
	echo "unknown=ignored"
	echo "oops" >&2
	;;
env)
	env | grep -v '^PWD=' | sort | sed 's/^/# /'
	;;
slow)
	sleep 5
	;;
*)
	exit 3
	;;
esac
