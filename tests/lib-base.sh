# tests/lib-base.sh: what the tests (through tests/lib.sh) and contrib/demo
# share to run private servers: free loopback ports, cleanups run when the
# script ends (servers stopped by pid), and stopping with a message. Sourced
# before tests/lib-dovecot.sh and tests/lib-smtp.sh, which also need $T (a
# directory the 'mail' user can reach) and bail (lib.sh: TAP "Bail out!").
#
#   at_exit "smtp_stop"     run it when the script ends, last registered first
#   run_exit_hooks          run them now (an EXIT trap calls it)
#   port=$(free_port)
#   wait_until SECONDS COMMAND...

TESTS_DIR=${TESTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
_cleanups=()

# at_exit COMMAND...: run COMMAND when the script ends, last registered first.
at_exit() { _cleanups=("$*" "${_cleanups[@]}"); }

# run_exit_hooks: run the registered cleanups once each, ignoring failures.
run_exit_hooks() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	_cleanups=()
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_until SECONDS COMMAND...: run COMMAND every 0.05 s until it succeeds
# (0) or SECONDS pass (1).
wait_until() {
	local limit=$1 start
	shift
	start=$(date +%s%N)
	until "$@" >/dev/null 2>&1; do
		[ $(( ($(date +%s%N) - start) / 1000000 )) -ge $((limit * 1000)) ] && return 1
		sleep 0.05
	done
	return 0
}
