#!/usr/bin/python3
"""oauth2-server.py: the tests' OAuth2 authorization server (standard library).

Stands in for Microsoft's and Google's token endpoints on 127.0.0.1:

  POST /devicecode   device authorization request (RFC 8628 3.1)
  GET  /authorize    authorization endpoint, code flow with PKCE S256
                     (RFC 6749 4.1, RFC 7636): redirects to redirect_uri
  POST /token        grant_type device_code (RFC 8628 3.4: authorization_pending,
                     slow_down, expired_token, access_denied), authorization_code
                     (checks redirect_uri and code_verifier), refresh_token
                     (RFC 6749 6, rotated: a new refresh token each time; the
                     previous one stays good until the new one is used, so a
                     client that crashed before saving the new one goes on)
  POST /introspect   token introspection (RFC 7662) for Dovecot's oauth2
                     passdb and the SMTP sink: {"active": ..., "username": ...}

The test steers it through GET /control/...:
  approve?user_code=C | approve (all pending)   the user signs in
  deny                                          the user refuses
  revoke        every grant is revoked: refresh gives invalid_grant
  expire        every access token stops working (introspection: inactive)
  fail?status=N the token endpoint answers HTTP N (0: normal again)
  slow_down     the next device-code poll answers slow_down
  browser?answer=approve|deny   what /authorize does (default approve)

  oauth2-server.py --port PORT --dir DIR [--user NAME] [--expires-in S]
                   [--interval S] [--device-expires S] [--client-secret S]

State lives in DIR/state.json, so a server stopped ("down") and started
again on the same port remembers its grants. Every request is logged to
DIR/requests.log as "ENDPOINT GRANT RESULT" (no secrets); every secret it
issues or sees (codes, tokens, the PKCE verifier, the client secret) is
appended to $OAUTH2_SECRETS_FILE when set, so the tests can search dsrmail's
logs for them. Writes DIR/ready when listening; stops on SIGTERM.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import signal
import threading
import time
import urllib.parse

LOCK = threading.Lock()


class State:
    def __init__(self, directory, args):
        self.path = os.path.join(directory, "state.json")
        self.log_path = os.path.join(directory, "requests.log")
        self.args = args
        self.data = {"devices": {}, "codes": {}, "grants": {}, "access": {},
                     "fail": 0, "slow_down": False, "browser": "approve"}
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.data = json.load(f)

    def save(self):
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.data, f)
        os.rename(self.path + ".tmp", self.path)

    def log(self, line):
        with open(self.log_path, "a") as f:
            f.write(line + "\n")

    def secret(self, kind):
        value = "oauth2test-%s-%s" % (kind, secrets.token_urlsafe(18))
        remember(value)
        return value


def remember(value):
    path = os.environ.get("OAUTH2_SECRETS_FILE")
    if path and value:
        with open(path, "a") as f:
            f.write(value + "\n")


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "oauth2-test"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        return {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        with LOCK:
            if url.path.startswith("/control/"):
                self.control(url.path[len("/control/"):], query)
            elif url.path == "/authorize":
                self.authorize(query)
            else:
                self.reply(404, {"error": "not_found"})
            STATE.save()

    def do_POST(self):
        form = self.form()
        with LOCK:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/devicecode":
                self.device_authorization(form)
            elif path == "/token":
                self.token(form)
            elif path == "/introspect":
                self.introspect(form)
            else:
                self.reply(404, {"error": "not_found"})
            STATE.save()

    # -- the test's controls
    def control(self, what, query):
        data = STATE.data
        if what == "approve":
            for device in data["devices"].values():
                if device["status"] == "pending" and \
                        query.get("user_code") in (None, device["user_code"]):
                    device["status"] = "approved"
        elif what == "deny":
            for device in data["devices"].values():
                if device["status"] == "pending":
                    device["status"] = "denied"
        elif what == "revoke":
            for grant in data["grants"].values():
                grant["revoked"] = True
        elif what == "expire":
            data["access"] = {}
        elif what == "fail":
            data["fail"] = int(query.get("status", "0"))
        elif what == "slow_down":
            data["slow_down"] = True
        elif what == "browser":
            data["browser"] = query.get("answer", "approve")
        else:
            return self.reply(404, {"error": "no such control"})
        STATE.log("control %s" % what)
        self.reply(200, {"ok": what})

    # -- RFC 8628 3.1
    def device_authorization(self, form):
        if form.get("client_id") != STATE.args.client_id:
            STATE.log("devicecode - invalid_client")
            return self.reply(401, {"error": "invalid_client"})
        code = STATE.secret("dc")
        user_code = "%s-%s" % (secrets.token_hex(2).upper(), secrets.token_hex(2).upper())
        remember(user_code)
        STATE.data["devices"][code] = {
            "user_code": user_code, "scope": form.get("scope", ""),
            "expires_at": time.time() + STATE.args.device_expires,
            "interval": STATE.args.interval, "last_poll": 0, "status": "pending"}
        STATE.log("devicecode - issued")
        port = self.server.server_address[1]
        self.reply(200, {
            "device_code": code, "user_code": user_code,
            "verification_uri": "http://127.0.0.1:%d/device" % port,
            "expires_in": STATE.args.device_expires,
            "interval": STATE.args.interval,
            "message": "To sign in, open http://127.0.0.1:%d/device and enter "
                       "the code %s." % (port, user_code)})

    # -- RFC 6749 4.1 with RFC 7636
    def authorize(self, query):
        redirect = query.get("redirect_uri", "")
        target = urllib.parse.urlsplit(redirect)
        if query.get("client_id") != STATE.args.client_id or \
                target.hostname != "127.0.0.1" or \
                query.get("response_type") != "code" or \
                query.get("code_challenge_method") != "S256" or \
                not query.get("code_challenge"):
            STATE.log("authorize - invalid_request")
            return self.reply(400, {"error": "invalid_request"})
        answer = {"state": query.get("state", "")}
        if STATE.data["browser"] == "deny":
            answer["error"] = "access_denied"
            STATE.log("authorize - access_denied")
        else:
            code = STATE.secret("ac")
            STATE.data["codes"][code] = {
                "redirect_uri": redirect, "challenge": query["code_challenge"],
                "scope": query.get("scope", ""), "expires_at": time.time() + 300}
            answer["code"] = code
            STATE.log("authorize - code")
        self.send_response(302)
        self.send_header("Location", redirect + "?" + urllib.parse.urlencode(answer))
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- the token endpoint
    def token(self, form):
        grant_type = form.get("grant_type", "")
        short = {"urn:ietf:params:oauth:grant-type:device_code": "device_code"}.get(
            grant_type, grant_type)
        remember(form.get("client_secret"))
        remember(form.get("code_verifier"))
        if STATE.data["fail"]:
            STATE.log("token %s http-%d" % (short, STATE.data["fail"]))
            return self.reply(STATE.data["fail"], {"error": "temporarily_unavailable"})
        if form.get("client_id") != STATE.args.client_id or (
                STATE.args.client_secret and
                form.get("client_secret") != STATE.args.client_secret):
            STATE.log("token %s invalid_client" % short)
            return self.reply(401, {"error": "invalid_client"})
        handler = {"device_code": self.grant_device, "refresh_token": self.grant_refresh,
                   "authorization_code": self.grant_code}.get(short)
        if handler is None:
            STATE.log("token %s unsupported_grant_type" % short)
            return self.reply(400, {"error": "unsupported_grant_type"})
        error, body = handler(form)
        STATE.log("token %s %s" % (short, error or "ok"))
        if error:
            return self.reply(400, {"error": error,
                                    "error_description": "test server: " + error})
        self.reply(200, body)

    def grant_device(self, form):
        device = STATE.data["devices"].get(form.get("device_code", ""))
        now = time.time()
        if device is None:
            return "invalid_grant", None
        if now > device["expires_at"]:
            return "expired_token", None
        if STATE.data["slow_down"] or now - device["last_poll"] < device["interval"] - 0.2:
            STATE.data["slow_down"] = False
            device["interval"] += 1     # RFC 8628 says 5; short for the tests
            device["last_poll"] = now
            return "slow_down", None
        device["last_poll"] = now
        if device["status"] == "pending":
            return "authorization_pending", None
        if device["status"] == "denied":
            return "access_denied", None
        if device["status"] == "used":
            return "invalid_grant", None
        device["status"] = "used"
        return None, self.issue(device["scope"])

    def grant_code(self, form):
        code = STATE.data["codes"].pop(form.get("code", ""), None)
        if code is None or time.time() > code["expires_at"] or \
                form.get("redirect_uri") != code["redirect_uri"] or \
                s256(form.get("code_verifier", "")) != code["challenge"]:
            return "invalid_grant", None
        return None, self.issue(code["scope"])

    def grant_refresh(self, form):
        token = form.get("refresh_token", "")
        for grant_id, grant in STATE.data["grants"].items():
            if token in (grant["refresh"], grant["previous"]) and not grant["revoked"]:
                if token == grant["refresh"]:
                    grant["previous"] = None   # the newest is in use now
                return None, self.issue(grant["scope"], grant_id)
        return "invalid_grant", None

    def issue(self, scope, grant_id=None):
        if grant_id is None:
            grant_id = secrets.token_hex(4)
            STATE.data["grants"][grant_id] = {"scope": scope, "refresh": None,
                                              "previous": None, "revoked": False}
        grant = STATE.data["grants"][grant_id]
        refresh = STATE.secret("rt")
        if grant["refresh"] is not None and grant["previous"] is None:
            grant["previous"] = grant["refresh"]
        grant["refresh"] = refresh
        access = STATE.secret("at")
        STATE.data["access"][access] = {"grant": grant_id, "scope": scope,
                                        "expires_at": time.time() + STATE.args.expires_in}
        return {"access_token": access, "token_type": "Bearer",
                "expires_in": STATE.args.expires_in, "scope": scope,
                "refresh_token": refresh}

    # -- RFC 7662
    def introspect(self, form):
        token = STATE.data["access"].get(form.get("token", ""))
        if token is None or time.time() > token["expires_at"] or \
                STATE.data["grants"][token["grant"]]["revoked"]:
            STATE.log("introspect - inactive")
            return self.reply(200, {"active": False})
        STATE.log("introspect - active")
        self.reply(200, {"active": True, "username": STATE.args.user,
                         "scope": token["scope"]})


def main():
    global STATE
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", default="registry")
    parser.add_argument("--client-id", default="dsrmail-test-client")
    parser.add_argument("--client-secret", default="")
    parser.add_argument("--expires-in", type=int, default=3600)
    parser.add_argument("--interval", type=int, default=1)
    parser.add_argument("--device-expires", type=int, default=60)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    remember(args.client_secret)
    STATE = State(args.dir, args)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    open(os.path.join(args.dir, "ready"), "w").close()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    server.shutdown()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
