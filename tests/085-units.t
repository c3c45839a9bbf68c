#!/usr/bin/env bash
# The systemd units, as make install writes them: systemd-analyze verify is
# clean (no output at all, their man: links resolve to the installed pages),
# they run as the user dsrmail, hardened, logging to syslog; the sysusers
# file creates that user.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null ||
	skip_all "systemd-analyze is not installed (Debian package systemd)"
plan 17

PREFIX=$T/usr
UNITS=$PREFIX/lib/systemd/system
# Installed where it runs (no DESTDIR), so ExecStart names a real binary.
ok "make install writes the units" \
	make -s -C "$TOP" BUILD="$T/build" PREFIX="$PREFIX" SYSCONFDIR="$T/etc" install
ok "with the installed binary's path in ExecStart" \
	grep -qx "ExecStart=$PREFIX/bin/dsrmail --syslog -c $T/etc/dsrmail.conf poll --watch" "$UNITS/dsrmail.service"

verify() { MANPATH=$PREFIX/share/man systemd-analyze verify "$@" 2>&1; }
out=$(verify "$UNITS/dsrmail.service" "$UNITS/dsrmail-sweep.service" "$UNITS/dsrmail-sweep.timer" \
	"$UNITS/dsrmail-web.service" "$UNITS/dsrmail-deliver.service" "$UNITS/dsrmail-deliver.socket")
is "$out" "" "systemd-analyze verify is clean on the six units"

# The check can fail: a misspelt setting is reported.
sed 's/ProtectSystem=strict/ProtectSystem=strcit/' "$UNITS/dsrmail-sweep.service" >"$T/dsrmail-sweep.service"
like "$(verify "$T/dsrmail-sweep.service")" "protect system value" "a broken unit is not clean"

for unit in dsrmail.service dsrmail-sweep.service dsrmail-web.service dsrmail-deliver.service; do
	settings=$(sed -n '/^\[Service\]/,/^\[/p' "$UNITS/$unit" | grep -E '^(User|ProtectSystem|ProtectHome|PrivateTmp|NoNewPrivileges|ReadWritePaths|CapabilityBoundingSet)=' | sort | tr '\n' ' ')
	is "$settings" "CapabilityBoundingSet= NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes ProtectSystem=strict ReadWritePaths=/var/lib/dsrmail User=dsrmail " \
		"$unit runs as dsrmail, hardened, writing only the database directory"
	like "$(grep '^ExecStart=' "$UNITS/$unit")" " --syslog " "$unit logs to syslog"
done
is "$(grep -E '^(OnCalendar|Persistent)=' "$UNITS/dsrmail-sweep.timer" | tr '\n' ' ')" \
	"OnCalendar=daily Persistent=true " "the sweep timer runs daily and catches up after downtime"
like "$(grep '^ExecStart=' "$UNITS/dsrmail-sweep.service")" " sweep$" "the sweep service runs dsrmail sweep"
is "$(diff <(sed -n '/^# Hardening/,/^\[Install\]/p' "$UNITS/dsrmail.service") \
	<(sed -n '/^# Hardening/,/^\[Install\]/p' "$UNITS/dsrmail-web.service") && echo same)" same \
	"the web service is hardened exactly like dsrmail.service"

mkdir -p "$T/root/etc"
ok "systemd-sysusers accepts the sysusers file" \
	systemd-sysusers --root="$T/root" "$PREFIX/lib/sysusers.d/dsrmail.conf"
like "$(cat "$T/root/etc/passwd")" "^dsrmail:x:[0-9]+:[0-9]+:.*:/var/lib/dsrmail:/usr/sbin/nologin" \
	"and creates the system user dsrmail with no login shell"

done_testing
