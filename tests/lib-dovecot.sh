# tests/lib-dovecot.sh: a private Dovecot for the IMAP tests and the demo,
# sourced after tests/lib.sh (or tests/lib-base.sh, as contrib/demo does).
# It lives in $T/dovecot (config, run dir, state, log, mail), listens on
# free 127.0.0.1 ports and is stopped by pid when the script ends.
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/lib-dovecot.sh"
#   dovecot_start            # plain IMAP, no STARTTLS offered
#   dovecot_start tls        # STARTTLS on $IMAP_PORT, IMAPS on $IMAPS_PORT,
#                            # a self-signed cert for 127.0.0.1 in $DOVECOT_CA
#   imap_config              # the [imap] section for dsrmail.conf
#   imap_tool append INBOX a.eml b.eml; imap_tool count INBOX
#
# Before dovecot_start: DOVECOT_EXTRA holds extra dovecot.conf lines (e.g.
# "imap_capability = IMAP4rev1 UIDPLUS" for a server without IDLE and
# MOVE); DOVECOT_CERT_SAN the certificate's subjectAltName;
# DOVECOT_OAUTH2_URL an RFC 7662 introspection URL (tests/oauth2-server.py):
# then $IMAP_USER also logs in with SASL XOAUTH2 and OAUTHBEARER, Dovecot's
# oauth2 passdb checking each bearer token there (the password still works
# for imap_tool); DOVECOT_OAUTH2_MECHS narrows the mechanisms offered
# (default "xoauth2 oauthbearer").
#
# Dovecot refuses mail access as root and uid 0, so when started by root the
# user's mail belongs to the 'mail' user ($T is mode 0755 so that user can
# reach it). Started by anyone else, Dovecot runs wholly as that user.

command -v dovecot >/dev/null 2>&1 || skip_all "dovecot (dovecot-imapd) is not installed"

DOVECOT_DIR="$T/dovecot"
IMAP_USER=registry
IMAP_PASSWORD="not-the-real-one-7f3a"
IMAP_PORT=${IMAP_PORT:-}
IMAPS_PORT=
DOVECOT_CA=
DOVECOT_PID=

# _dovecot_cert: a self-signed certificate for 127.0.0.1 (also the CA file).
_dovecot_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	    -addext "subjectAltName=${DOVECOT_CERT_SAN:-IP:127.0.0.1,DNS:localhost}" \
	    -keyout "$DOVECOT_DIR/key.pem" -out "$DOVECOT_DIR/cert.pem" \
	    >/dev/null 2>&1 || bail "openssl could not make a certificate"
	DOVECOT_CA="$DOVECOT_DIR/cert.pem"
}

# _dovecot_users: as root, nothing (Dovecot's own users); as anyone else, the
# config lines that run all of Dovecot as that user, without chroot (which
# needs root).
_dovecot_users() {
	[ "$(id -u)" -eq 0 ] && return 0
	printf 'default_internal_user = %s\ndefault_internal_group = %s\ndefault_login_user = %s\n' \
	    "$(id -un)" "$(id -gn)" "$(id -un)"
	printf 'service %s {\n  chroot =\n}\n' anvil imap-login
}

# _dovecot_oauth2: with DOVECOT_OAUTH2_URL, the mechanisms and the oauth2
# passdb (before the password one) that asks the URL about every token.
_dovecot_oauth2() {
	local mechs=${DOVECOT_OAUTH2_MECHS:-xoauth2 oauthbearer}
	if [ -z "${DOVECOT_OAUTH2_URL:-}" ]; then
		echo "auth_mechanisms = plain login"
		return 0
	fi
	printf 'introspection_mode = post\nintrospection_url = %s\nforce_introspection = yes\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n' \
	    "$DOVECOT_OAUTH2_URL" >"$DOVECOT_DIR/oauth2.conf.ext"
	printf 'auth_mechanisms = plain login %s\npassdb {\n  driver = oauth2\n  mechanisms = %s\n  args = %s\n}\n' \
	    "$mechs" "$mechs" "$DOVECOT_DIR/oauth2.conf.ext"
	return 0
}

# _dovecot_write_config MODE: dovecot.conf for plain (no STARTTLS) or tls.
_dovecot_write_config() {
	local ssl="ssl = no"
	if [ "$1" = tls ]; then
		ssl="ssl = yes
ssl_cert = <$DOVECOT_DIR/cert.pem
ssl_key = <$DOVECOT_DIR/key.pem"
	fi
	cat >"$DOVECOT_DIR/dovecot.conf" <<EOF
$(_dovecot_users)
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/log
protocols = imap
listen = 127.0.0.1
$ssl
${DOVECOT_EXTRA:-}
disable_plaintext_auth = no
$(_dovecot_oauth2)
first_valid_uid = 1
mail_location = maildir:$DOVECOT_DIR/mail/%u
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN $DOVECOT_DIR/passwd
}
userdb {
  driver = passwd-file
  args = $DOVECOT_DIR/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${IMAPS_PORT:-0}
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
EOF
}

# dovecot_start [plain|tls]: start Dovecot and wait until it answers.
dovecot_start() {
	local mode=${1:-plain} i mail_uid=$(id -u) mail_gid=$(id -g)
	mkdir -p "$DOVECOT_DIR/run" "$DOVECOT_DIR/state" "$DOVECOT_DIR/mail"
	if [ "$mail_uid" -eq 0 ]; then
		mail_uid=$(id -u mail) mail_gid=$(id -g mail)
		chown "$mail_uid:$mail_gid" "$DOVECOT_DIR/mail"
	fi
	[ -n "$IMAP_PORT" ] || IMAP_PORT=$(free_port)
	if [ "$mode" = tls ]; then
		[ -n "$IMAPS_PORT" ] || IMAPS_PORT=$(free_port)
		[ -n "$DOVECOT_CA" ] || _dovecot_cert
	fi
	printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$IMAP_USER" "$IMAP_PASSWORD" \
	    "$mail_uid" "$mail_gid" "$DOVECOT_DIR/mail/$IMAP_USER" >"$DOVECOT_DIR/passwd"
	printf '%s\n' "$IMAP_PASSWORD" >"$T/imap.pass"
	chmod 600 "$T/imap.pass"
	_dovecot_write_config "$mode"
	dovecot -c "$DOVECOT_DIR/dovecot.conf" ||
		{ cat "$DOVECOT_DIR/log" >&2; bail "dovecot did not start"; }
	for i in $(seq 1 100); do
		DOVECOT_PID=$(cat "$DOVECOT_DIR/run/master.pid" 2>/dev/null)
		[ -n "$DOVECOT_PID" ] && imap_tool count INBOX >/dev/null 2>&1 && break
		sleep 0.05
	done
	[ -n "$DOVECOT_PID" ] || bail "dovecot wrote no pid"
	at_exit dovecot_stop
}

# dovecot_stop: stop this test's Dovecot and wait for it to go. Its master
# leads its own process group (pgid = its pid); the whole group is stopped,
# so the imap processes serving open connections go at once, as when the
# server host goes down (the master alone lets them finish).
dovecot_stop() {
	local i
	[ -n "$DOVECOT_PID" ] || return 0
	kill -- "-$DOVECOT_PID" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$DOVECOT_PID" 2>/dev/null || break
		sleep 0.05
	done
	DOVECOT_PID=
}

# imap_config [EXTRA-LINES]: the [imap] section pointing at this Dovecot.
imap_config() {
	printf '[imap]\nurl = imap://127.0.0.1:%s\nstarttls = no\nuser = %s\npassword_file = %s\nfolder = INBOX\nprocessed_folder = Processed\n%s\n' \
	    "$IMAP_PORT" "$IMAP_USER" "$T/imap.pass" "${1:-}"
}

# imap_tool ARGS...: tests/imap-tool.py against this Dovecot (append, count, ...)
imap_tool() {
	python3 "$TESTS_DIR/imap-tool.py" "$IMAP_PORT" "$IMAP_USER" "$IMAP_PASSWORD" "$@"
}

# dovecot_uidvalidity FOLDER VALUE: give FOLDER a new UIDVALIDITY (doveadm).
dovecot_uidvalidity() {
	doveadm -c "$DOVECOT_DIR/dovecot.conf" mailbox update -u "$IMAP_USER" \
	    --uid-validity "$2" "$1"
}

# dovecot_logins: how many logins Dovecot has accepted or refused so far
dovecot_logins() {
	grep -cE 'Login: user=|auth failed|Authentication failed' "$DOVECOT_DIR/log"
}

# dsrmail_slow_intake ROWS: make every stored mail cost CPU inside intake's
# transaction (a trigger counting a ROWS x ROWS join: 300 is about 2 ms,
# 1000 about 9 ms), so tests can interrupt a poll in the middle.
dsrmail_slow_intake() {
	local rows=$1
	sqlite3 "$DB" "CREATE TABLE test_slow(x);
	    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $rows)
	    INSERT INTO test_slow SELECT i FROM c;
	    CREATE TRIGGER test_slow_intake AFTER INSERT ON dsr_messages
	    BEGIN SELECT count(*) FROM test_slow a, test_slow b; END;"
}
