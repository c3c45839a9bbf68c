-- schema.sql: version 1 of the dsrmail database, compiled into the binary.
-- The register tables are DESIGN.md's default schema, exactly; dsrmail's own
-- tables are prefixed dsr_. Later versions are added as migrations in
-- store.c, never by editing a released version.

CREATE TABLE IF NOT EXISTS organisations(id INTEGER PRIMARY KEY, name TEXT, business_id TEXT);
CREATE TABLE IF NOT EXISTS customers(id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT,
          organisation_id INTEGER REFERENCES organisations(id), email TEXT,
          phone TEXT, www TEXT, street TEXT, postal_code TEXT, city TEXT,
          country TEXT, ip_address TEXT, created_at TEXT,
          relationship_ended_at TEXT,
          contact_person INTEGER DEFAULT 0,
          marketing_ban INTEGER DEFAULT 0, publication_ban INTEGER DEFAULT 0,
          disclosure_ban INTEGER DEFAULT 0, restricted INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),
       ordered_at TEXT, product TEXT, quantity INTEGER, amount_cents INTEGER,
       currency TEXT);
CREATE TABLE IF NOT EXISTS invoices(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),
         order_id INTEGER REFERENCES orders(id), issued_at TEXT, due_at TEXT,
         amount_cents INTEGER, paid_at TEXT,
         in_collection INTEGER DEFAULT 0);

-- Every mail that reached dsrmail, request or not: the evidence of what
-- arrived (N24). raw is cleared after [policy] evidence_retention, or when
-- an erasure of the person it is about is carried out (with from_name);
-- the row, its sha256 and its events stay.
CREATE TABLE dsr_messages(
	id INTEGER PRIMARY KEY,
	message_id TEXT,                -- Message-ID without <>, NULL if none
	sha256 TEXT NOT NULL,           -- of the raw bytes: dedupe without Message-ID
	source TEXT NOT NULL CHECK (source IN ('deliver', 'imap')),
	imap_uidvalidity INTEGER,
	imap_uid INTEGER,
	received_at TEXT NOT NULL,
	size INTEGER NOT NULL,
	from_address TEXT,              -- normalised From
	from_name TEXT,                 -- display name: recorded, never trusted
	reply_to TEXT,
	return_path TEXT,
	subject TEXT,
	language TEXT,                  -- the reply language: fi, en, sv, or NULL: unknown
	written_language TEXT,          -- the language the mail is written in, as
	                                -- guessed (any ISO 639 code), or NULL
	hints TEXT,                     -- kinds the mail mentions as a possibility
	                                -- without asking for them (comma list)
	dmarc TEXT,                     -- verdict from the trusted authserv-id
	dkim TEXT,
	screened TEXT,                  -- NULL: a request; else why it was ignored
	-- the mail as received; the last column with bytes (only NULLs, 0 and
	-- 1 after it), so a large one is written in pieces (store_bind_blob)
	raw BLOB,
	raw_removed_at TEXT,
	-- 1: over [policy] max_message_size; raw is only the start of the mail,
	-- up to the end of its first text part (its attachments not stored)
	oversized INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dsr_messages_by_message_id ON dsr_messages(message_id)
	WHERE message_id IS NOT NULL;
CREATE INDEX dsr_messages_by_sha256 ON dsr_messages(sha256);
CREATE INDEX dsr_messages_by_sender ON dsr_messages(from_address, received_at);
-- poll's "seen this UID before?" for every mail it fetches: without it each
-- mail scanned the whole table (quadratic in the mailbox's history).
CREATE INDEX dsr_messages_by_imap_uid ON dsr_messages(imap_uidvalidity, imap_uid)
	WHERE imap_uid IS NOT NULL;

-- Where IMAP intake is: one row per folder.
CREATE TABLE dsr_imap_folders(
	folder TEXT PRIMARY KEY,
	uidvalidity INTEGER NOT NULL,
	last_uid INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL
);

-- IMAP mails intake could not store: they stay in the folder, unseen, and
-- are tried again on every poll; the admins are told once (the event
-- intake_failed is written with the first row).
CREATE TABLE dsr_imap_failures(
	folder TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid INTEGER NOT NULL,
	first_failed_at TEXT NOT NULL,
	last_failed_at TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (folder, uidvalidity, uid)
);

-- One data-subject request (DSR-YYYY-NNNN). One mail may open several.
CREATE TABLE dsr_requests(
	id TEXT PRIMARY KEY,            -- DSR-YYYY-NNNN
	year INTEGER NOT NULL,
	number INTEGER NOT NULL,
	-- (The checks of this file are written as OR chains, not IN lists: an
	-- IN list of more than two values builds a temporary table on every
	-- INSERT and UPDATE, which cost intake more than the row itself.)
	kind TEXT NOT NULL CHECK (kind = 'access' OR kind = 'portability' OR
		kind = 'rectification' OR kind = 'erasure' OR
		kind = 'restriction' OR kind = 'objection' OR
		kind = 'publication' OR kind = 'disclosure' OR
		kind = 'anonymisation' OR kind = 'processing_objection' OR
		kind = 'unknown'),
	state TEXT NOT NULL CHECK (state = 'received' OR state = 'verifying' OR
		state = 'awaiting_approval' OR state = 'approved' OR
		state = 'done' OR state = 'rejected' OR state = 'expired' OR
		state = 'ignored' OR state = 'failed'),
	message INTEGER REFERENCES dsr_messages(id),  -- the mail that opened it
	sender TEXT,                    -- normalised From of that mail
	language TEXT,                  -- reply language; NULL: fi + en
	received_at TEXT NOT NULL,
	due_at TEXT NOT NULL,           -- one calendar month later (N21)
	extended_at TEXT,               -- queue extend: +2 months (N21)
	extension_reason TEXT,
	verified_at TEXT,               -- identity confirmed (N22)
	verified_by TEXT,               -- challenge | signature | admin
	hold_reasons TEXT,              -- why it waits for an admin (comma list)
	confidence REAL,                -- how sure the classifier was of the kind
	                                -- (0..1); NULL: set by an admin or unknown
	mark TEXT CHECK (mark IN ('uncertain', 'possible_extra')),
	                                -- uncertain: below [classify] certain;
	                                -- possible_extra: not the mail's main
	                                -- request; either waits for an admin
	decided_at TEXT,
	decided_by TEXT,                -- the admin's identity (N20, N24)
	decision_reason TEXT,
	completed_at TEXT,
	updated_at TEXT NOT NULL,
	UNIQUE (year, number)
);
CREATE INDEX dsr_requests_by_state ON dsr_requests(state, due_at);
CREATE INDEX dsr_requests_by_sender ON dsr_requests(sender, kind, received_at);

-- The register subjects a request is about (several may share an address).
CREATE TABLE dsr_request_subjects(
	request TEXT NOT NULL REFERENCES dsr_requests(id),
	subject_key INTEGER NOT NULL,
	PRIMARY KEY (request, subject_key)
);

-- Proposed and applied rectifications: "field: new value" from the mail.
CREATE TABLE dsr_changes(
	id INTEGER PRIMARY KEY,
	request TEXT NOT NULL REFERENCES dsr_requests(id),
	field TEXT NOT NULL,            -- as the sender wrote it
	column_name TEXT,               -- map column, NULL if the map knows none
	new_value TEXT,
	old_value TEXT,                 -- filled when applied
	state TEXT NOT NULL DEFAULT 'proposed'
		CHECK (state = 'proposed' OR state = 'applied' OR state = 'refused'),
	reason TEXT
);
CREATE INDEX dsr_changes_by_request ON dsr_changes(request);

-- Everything that happened, on a SHA-256 hash chain (N24): hash covers the
-- row's fields and the previous row's hash, so a change or a gap shows.
CREATE TABLE dsr_events(
	id INTEGER PRIMARY KEY,
	request TEXT REFERENCES dsr_requests(id),   -- NULL: not about one request
	at TEXT NOT NULL,
	type TEXT NOT NULL,             -- received, challenge_sent, confirmed, ...
	actor TEXT NOT NULL,            -- system, subject, or the admin
	detail TEXT,                    -- JSON
	message INTEGER REFERENCES dsr_messages(id),
	outbox INTEGER REFERENCES dsr_outbox(id),
	previous_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX dsr_events_by_request ON dsr_events(request, id);

-- Secrets mailed out: identity challenges and admin-notice tokens. Only the
-- SHA-256 of a token is kept.
CREATE TABLE dsr_tokens(
	id INTEGER PRIMARY KEY,
	request TEXT NOT NULL REFERENCES dsr_requests(id),
	purpose TEXT NOT NULL CHECK (purpose IN ('challenge', 'admin')),
	address TEXT NOT NULL,          -- the only address it is valid from
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT
);
CREATE INDEX dsr_tokens_by_request ON dsr_tokens(request);

-- The transactional outbox: a mail is stored with the change that causes it
-- and sent later; marked sent only after the server's 250. Once sent or
-- failed for good its raw bytes (which may hold a whole export bundle) are
-- emptied (X'', raw_removed_at set); recipient, template, Message-ID,
-- sent_at, size and sha256 stay as the evidence of what was sent.
CREATE TABLE dsr_outbox(
	id INTEGER PRIMARY KEY,
	request TEXT REFERENCES dsr_requests(id),
	template TEXT NOT NULL,         -- access, challenge, admin_notice, ...
	language TEXT,
	recipient TEXT NOT NULL,
	message_id TEXT NOT NULL UNIQUE,
	raw BLOB NOT NULL,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state = 'queued' OR state = 'sent' OR state = 'failed' OR
			state = 'bounced'),
	created_at TEXT NOT NULL,
	next_attempt_at TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	sent_at TEXT,
	size INTEGER,                   -- bytes of raw as queued
	sha256 TEXT,                    -- of raw as queued
	raw_removed_at TEXT             -- raw emptied: sent, failed, or erased
);
CREATE INDEX dsr_outbox_due ON dsr_outbox(state, next_attempt_at);

-- Deadline reminders sent to the admins, once each (N21).
CREATE TABLE dsr_reminders(
	request TEXT NOT NULL REFERENCES dsr_requests(id),
	kind TEXT NOT NULL,             -- 7d, 2d, overdue
	sent_at TEXT NOT NULL,
	PRIMARY KEY (request, kind)
);

-- Retention erasures (N6): what the last sweep left of a subject whose
-- relationship ended more than [policy] retention ago. data_hash covers the
-- subject's rows after that erasure and held names the holds that kept data;
-- while both are unchanged, a later sweep has nothing new to erase.
CREATE TABLE dsr_retention(
	subject_key INTEGER PRIMARY KEY,
	erased_at TEXT NOT NULL,
	data_hash TEXT NOT NULL,
	held TEXT NOT NULL              -- hold:rows;..., empty: nothing kept
);

-- Restrictions lifted (N14, GDPR Art. 18(3)): the subject is told first.
-- A lift is `pending` while its notice (an outbox mail) waits; the flag is
-- cleared, state `lifted`, only once that mail was sent; a notice that
-- could not be delivered leaves the restriction in place (`failed`), and the
-- admin may try again.
CREATE TABLE dsr_lifts(
	id INTEGER PRIMARY KEY,
	request TEXT NOT NULL REFERENCES dsr_requests(id),  -- the restriction request
	outbox INTEGER NOT NULL REFERENCES dsr_outbox(id),  -- the notice to the subject
	reason TEXT NOT NULL,           -- told to the subject
	requested_by TEXT NOT NULL,     -- the admin (N20, N24)
	requested_at TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending'
		CHECK (state = 'pending' OR state = 'lifted' OR state = 'failed'),
	settled_at TEXT                 -- when it became lifted or failed
);
CREATE UNIQUE INDEX dsr_lifts_current ON dsr_lifts(request)
	WHERE state IN ('pending', 'lifted');
CREATE INDEX dsr_lifts_by_state ON dsr_lifts(state, outbox);

-- dsrmail web: sign-in links mailed to an admin (an address in [organisation]
-- admins). Only the SHA-256 of the link's token is kept; a link works once
-- (used_at), until expires_at (15 minutes). The rows also count the links
-- asked per address ([web] signin_rate); old ones are purged.
CREATE TABLE dsr_web_signins(
	id INTEGER PRIMARY KEY,
	address TEXT NOT NULL,          -- the admin it signs in
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT
);
CREATE INDEX dsr_web_signins_by_address ON dsr_web_signins(address, created_at);

-- dsrmail web: signed-in sessions. The cookie holds a random id; only its
-- SHA-256 is kept. csrf is the token every form of the session carries.
-- A session ends on sign-out (ended_at), after [web] session_idle without a
-- request, or 12 hours after it began.
CREATE TABLE dsr_web_sessions(
	id_hash TEXT PRIMARY KEY,
	address TEXT NOT NULL,          -- the admin signed in (N20, N24)
	csrf TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	ended_at TEXT
);

-- Data restricted while it is disputed (N14, GDPR Art. 18(1)(a) and (d),
-- [policy] restrict_while_disputed): a rectification, or an objection on
-- grounds of the particular situation, that waits for an admin restricts its
-- subject until it is decided. set_flag: this dispute set the register's
-- restriction flag (it was clear), so the flag is cleared again when the
-- dispute ends, unless another dispute or a restriction still needs it.
CREATE TABLE dsr_disputes(
	request TEXT NOT NULL REFERENCES dsr_requests(id),
	subject_key INTEGER NOT NULL,
	set_flag INTEGER NOT NULL,
	started_at TEXT NOT NULL,
	ended_at TEXT,
	PRIMARY KEY (request, subject_key)
);
CREATE INDEX dsr_disputes_open ON dsr_disputes(subject_key) WHERE ended_at IS NULL;

-- OAuth2 sign-ins found revoked or expired (the token endpoint answered
-- invalid_grant): one row per `dsrmail oauth2 login`, so the admins are told
-- once per login however often poll, send or sweep fail after it; a new
-- login has a new login_at and is told about afresh.
CREATE TABLE dsr_oauth2_revocations(
	login_at TEXT PRIMARY KEY,      -- the token file's login time
	noticed_at TEXT NOT NULL
);

-- Signatures on the mails that arrived (src/mail/crypto*.c), one per
-- signed mail. status: valid (good, by a key or certificate the
-- organisation accepts, bound to the sender's address), untrusted (good and
-- bound, but not accepted), mismatch (bound to another address), bad,
-- expired, revoked, no_key, error. Only a valid one may stand in for the
-- mailed code ([policy] signed_identity). signer and address are the
-- person's: an erasure blanks them.
CREATE TABLE dsr_signatures(
	id INTEGER PRIMARY KEY,
	message INTEGER NOT NULL REFERENCES dsr_messages(id),
	protocol TEXT NOT NULL CHECK (protocol IN ('openpgp', 'smime')),
	status TEXT NOT NULL CHECK (status IN ('valid', 'untrusted', 'mismatch',
		'bad', 'expired', 'revoked', 'no_key', 'error')),
	trusted INTEGER NOT NULL,       -- in openpgp_keyring; chain to smime_trust
	bound INTEGER NOT NULL,         -- an address of the key is the sender's
	signer TEXT,                    -- the key's user id or certificate subject
	address TEXT,                   -- the key's address that matched, or its first
	key_id TEXT,
	fingerprint TEXT,
	checked_at TEXT NOT NULL
);
CREATE INDEX dsr_signatures_by_message ON dsr_signatures(message);

-- The subjects' keys replies can be encrypted to: attached to a mail (with
-- the sender's address among the key's), or imported by `dsrmail keys
-- import` (a row per address of the key). The keys are in [crypto] home.
CREATE TABLE dsr_keys(
	id INTEGER PRIMARY KEY,
	address TEXT NOT NULL,          -- normalised
	protocol TEXT NOT NULL CHECK (protocol IN ('openpgp', 'smime')),
	fingerprint TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('attachment', 'admin')),
	message INTEGER REFERENCES dsr_messages(id),  -- the mail it came with
	added_at TEXT NOT NULL
);
CREATE INDEX dsr_keys_by_address ON dsr_keys(address);
