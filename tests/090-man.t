#!/usr/bin/env bash
# The man pages render without a single warning (groff -ww, man -l), and say
# what the program has: every command of the command table in dsrmail(1),
# with no command marked "not in this build yet" that is in it; every config
# key of src/base/config.c in dsrmail.conf(5), under its group, and in
# contrib/dsrmail.conf.example.
. "$(dirname "$0")/lib.sh"
command -v groff >/dev/null && command -v man >/dev/null ||
	skip_all "groff and man are not installed (Debian packages groff-base, man-db)"
plan 13

MAN=$TOP/man
for page in dsrmail.1 dsrmail.conf.5 dsrmail-rules.5; do
	warnings=$(groff -ww -man -Tutf8 "$MAN/$page" 2>&1 >/dev/null)
	is "$warnings" "" "groff -ww renders $page without warnings"
	MANPAGER=cat MANWIDTH=80 man -l --warnings "$MAN/$page" >"$T/page" 2>"$T/warnings"
	is "$?:$(cat "$T/warnings")" "0:" "man -l renders $page without warnings"
done
# The check can fail: an unknown macro and a bad escape are warned about.
printf '.TH X 1\n.SH NAME\nx \\- y\n.XX\n\\*(zz\n' >"$T/bad.1"
isnt "$(groff -ww -man -Tutf8 "$T/bad.1" 2>&1 >/dev/null)" "" "a broken page does get warnings"

# Commands: "name [literal words]" from --help, and from the man page's
# COMMANDS section (.TP entries), with those marked not in this build.
"$DSRMAIL_BIN" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  //p' |
	sed -E 's/  +.*//' | awk '{ c = $1; for (i = 2; i <= NF && $i ~ /^[a-z0-9]+$/; i++) c = c " " $i; print c }' |
	sort >"$T/help"
python3 - "$MAN/dsrmail.1" >"$T/man" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = lines.index(".SH COMMANDS")
section = lines[start + 1:]
section = section[:next(i for i, l in enumerate(section) if l.startswith(".SH "))]
for i, line in enumerate(section[:-1]):
    if line != ".TP":
        continue
    head = re.sub(r"^\.[A-Z]+ ", "", section[i + 1])
    head = re.sub(r"\\f.", "", head).replace('"', " ").replace("\\-", "-")
    words = []
    for word in head.split():
        if not re.fullmatch(r"[a-z][a-z0-9]*", word):
            break
        words.append(word)
    missing = i + 2 < len(section) and "not in this build yet" in section[i + 2]
    print(("missing " if missing else "present ") + " ".join(words))
PY
is "$(wc -l <"$T/help")" "$(grep -c '^present' "$T/man")" \
	"dsrmail(1) describes as many commands as present as the command table has ($(wc -l <"$T/help"))"
is "$(sed -n 's/^present //p' "$T/man" | sort)" "$(cat "$T/help")" \
	"dsrmail(1) describes every command of the command table, and marks no present one as missing"
# DESIGN.md's command-line contract (and web, the admin pages): each is
# described, present or to come.
is "$(sed -E 's/^(present|missing) //' "$T/man" | sort | tr '\n' ,)" \
	"audit verify,deliver,export,init,keys import,keys list,oauth2 login,oauth2 status,poll,queue approve,queue classify,queue extend,queue lift,queue list,queue reject,queue show,requests,send,serve,sweep,web," \
	"dsrmail(1) describes every command of the contract (those to come marked so)"

# Config keys: group.key from the table in src/base/config.c.
sed -nE 's/^[[:space:]]*\{ "([a-z_0-9]+)", "([a-z_]+)", KEY_.*/\1.\2/p' "$TOP/src/base/config.c" | sort >"$T/keys"
awk '/^\.SH \[/ { group = substr($2, 2, length($2) - 2) }
     /^\.SH [^[]/ { group = "" }
     group != "" && /^\.TP$/ { getline; if ($1 == ".B") print group "." $2 }' \
	"$MAN/dsrmail.conf.5" | sort >"$T/documented"
ok "the key table has keys ($(wc -l <"$T/keys"))" test "$(wc -l <"$T/keys")" -ge 25
is "$(cat "$T/documented")" "$(cat "$T/keys")" "dsrmail.conf(5) documents every key of src/base/config.c under its group, and no other"
awk '/^\[/ { group = substr($1, 2, length($1) - 2) }
     /^#?[a-z_]+ =/ { key = $1; sub(/^#/, "", key); print group "." key }' \
	"$TOP/contrib/dsrmail.conf.example" | sort -u >"$T/example"
is "$(cat "$T/example")" "$(cat "$T/keys")" "contrib/dsrmail.conf.example has every key"

done_testing
