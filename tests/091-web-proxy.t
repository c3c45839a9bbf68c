#!/usr/bin/env bash
# dsrmail web behind the reverse proxies of contrib/ as a sysadmin installs
# them: contrib/nginx-dsrmail.conf in a real nginx and
# contrib/apache-dsrmail.conf in a real Apache httpd, each as shipped but
# for the ports, the certificate and the log directory (and nginx's IPv6
# lines: loopback only here). Through each: https with Secure cookies and
# dsrmail's own security headers, plain http sent to https, an admin signs
# in with the link the mail brings and sees the queue, the access log
# never holds the link's token, a client that sends X-Forwarded-For itself
# cannot dodge [web] client_rate, and a body over the limits is refused
# without harm.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
. "$TESTS_DIR/lib-web.sh"
NGINX=/usr/sbin/nginx APACHE=/usr/sbin/apache2
[ -x "$NGINX" ] || bail "nginx is not installed: sh contrib/install-deps"
[ -x "$APACHE" ] || bail "apache2 is not installed: sh contrib/install-deps"
ADMIN=paivi.savolainen@hrmentor.fi
TLS_PORT=$(free_port) HTTP_PORT=$(free_port)
PROXY_URL=https://127.0.0.1:$TLS_PORT
smtp_start
setup_register "$(smtp_config)
$(web_config)
base_url = $PROXY_URL
proxy = 127.0.0.1
client_rate = 4/hour"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
	bail "openssl could not make a test certificate"
export CURL_CA_BUNDLE=$T/cert.pem
plan 20

# site FILE: the contrib snippet with this test's ports, certificate and logs
site() {
	sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$TLS_PORT ssl http2;|" \
	    -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
	    -e '/listen \[::\]/d' \
	    -e "s|<VirtualHost \*:443>|<VirtualHost 127.0.0.1:$TLS_PORT>|" \
	    -e "s|<VirtualHost \*:80>|<VirtualHost 127.0.0.1:$HTTP_PORT>|" \
	    -e "s|dsr\.hrmentor\.fi|127.0.0.1|g" \
	    -e "s|https://127.0.0.1/|$PROXY_URL/|" \
	    -e "s|/etc/letsencrypt/live/127.0.0.1/fullchain.pem|$T/cert.pem|" \
	    -e "s|/etc/letsencrypt/live/127.0.0.1/privkey.pem|$T/key.pem|" \
	    -e "s|/var/log/nginx/|$T/|" \
	    -e "s|127.0.0.1:8025|127.0.0.1:$WEB_PORT|g" "$TOP/contrib/$1"
}

_proxy_pid=
proxy_stop() {
	[ -n "$_proxy_pid" ] || return 0
	kill "$_proxy_pid" 2>/dev/null
	wait "$_proxy_pid" 2>/dev/null
	_proxy_pid=
}
at_exit proxy_stop

nginx_start() {
	mkdir -p "$T/nginx"
	site nginx-dsrmail.conf >"$T/nginx/site.conf"
	cat >"$T/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	include $T/nginx/site.conf;
}
CONF
	"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -t >"$T/nginx/test.log" 2>&1 ||
		bail "nginx refuses contrib/nginx-dsrmail.conf: $(cat "$T/nginx/test.log")"
	"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" 2>>"$T/nginx/error.log" &
	_proxy_pid=$!
}

apache_start() {
	local modules=/usr/lib/apache2/modules module
	mkdir -p "$T/apache"
	site apache-dsrmail.conf >"$T/apache/site.conf"
	{
		echo "ServerRoot $T/apache"
		echo "PidFile $T/apache/httpd.pid"
		echo "DefaultRuntimeDir $T/apache"
		echo "Mutex file:$T/apache default"
		echo "ErrorLog $T/apache/error.log"
		echo "ServerName 127.0.0.1"
		echo "Define APACHE_LOG_DIR $T/apache"
		for module in mpm_event authz_core ssl socache_shmcb proxy \
		    proxy_http headers alias; do
			echo "LoadModule ${module}_module $modules/mod_$module.so"
		done
		[ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n'
		echo "Listen 127.0.0.1:$TLS_PORT https"
		echo "Listen 127.0.0.1:$HTTP_PORT http"
		echo "Include $T/apache/site.conf"
	} >"$T/apache/httpd.conf"
	"$APACHE" -f "$T/apache/httpd.conf" -t >"$T/apache/test.log" 2>&1 ||
		bail "Apache refuses contrib/apache-dsrmail.conf: $(cat "$T/apache/test.log")"
	"$APACHE" -f "$T/apache/httpd.conf" -DFOREGROUND 2>>"$T/apache/error.log" &
	_proxy_pid=$!
}

# through NAME LOG STATUS: the checks through the proxy that is running;
# STATUS: what a too large body gets
through() {
	local name=$1 log=$2 codes i
	wait_until 10 curl -s -o /dev/null "$PROXY_URL/signin" ||
		bail "$name does not answer: $(cat "$T"/$name/error.log)"
	WEB_URL=$PROXY_URL
	rm -f "$WEB_JAR"
	web_get /signin
	is "$status" 200 "$name: the sign-in page over https"
	# (HTTP/2 writes the header names in lower case)
	like "$(tr -d '\r' <"$T/web.head" | tr 'A-Z' 'a-z' | sort | tr '\n' ' ')" \
	    "content-security-policy: default-src 'self'.* set-cookie: dsrmail_form=[a-z2-7]+; path=/; httponly; samesite=strict; secure .*x-frame-options: deny" \
		"$name: Secure cookies and dsrmail's own security headers come through"
	# (nginx names no port: the real one is 443)
	like "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/queue")" \
		"^301 https://127\.0\.0\.1(:$TLS_PORT)?/queue\$" "$name: plain http is sent to https"
	web_signin "$ADMIN"
	is "$status" 303 "$name: the admin signs in with the link the mail brought (pointing at the proxy)"
	web_get /queue
	like "$status $(tr '\n' ' ' <"$T/web.body")" '^200 .*<h1>Odottaa päätöstäsi</h1>' "$name: and sees the queue"
	ok "$name: the access log shows /signin/link but never its token" \
		eval "grep -q '/signin/link' '$log' && ! grep -q 't=' '$log'"
	# 1 sign-in so far; 3 more are allowed in the hour, whatever the
	# client says it forwards for
	codes=
	for i in 1 2 3 4; do
		rm -f "$WEB_JAR"
		web_get /signin -H "X-Forwarded-For: 198.51.100.$i"
		codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" \
		    -H "X-Forwarded-For: 198.51.100.$i" --data-urlencode "csrf=$(web_csrf)" \
		    --data-urlencode "address=someone$i@elsewhere.example" "$PROXY_URL/signin")"
	done
	is "$codes" " 303 303 303 429" \
		"$name: a client forging X-Forwarded-For is still one client ([web] client_rate 4/hour)"
	head -c 200000 /dev/zero | tr '\0' a >"$T/big"
	# nginx refuses it itself; Apache applies LimitRequestBody only as it
	# passes the body on: dsrmail's own 64 kB limit often refuses it first (502)
	like "$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' --data-binary @"$T/big" "$PROXY_URL/signin")" \
	    "^$3\$" "$name: a 200 kB body is refused ($3)"
	web_get /signin
	is "$status" 200 "$name: and the pages are served as before"
}

web_start
nginx_start
through nginx "$T/dsrmail.access.log" 413
proxy_stop
web_stop

web_start
apache_start
through apache "$T/apache/dsrmail.access.log" "(413|502)"
proxy_stop
web_stop
is "$(curl -s -o /dev/null -w '%{http_code}' "$PROXY_URL/signin")" 000 "the proxies are stopped"
is "$(grep -v -e ': web: serving on ' -e ': web: stopped$' \
    -e ': web: sign-in refused: \[web\] client_rate reached$' "$T/web.err")" "" \
	"dsrmail web said nothing else behind them (no error)"
done_testing
