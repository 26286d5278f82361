-- gebao schema, one text for both engines: `{int}`, `{bytes}`, `{date}`, `{bool}`, `{small}`
-- and `{serial}` are the column types that differ, filled per engine by `migrations.rs`
-- (SQLite: INTEGER, BLOB, TEXT, INTEGER, INTEGER, INTEGER PRIMARY KEY AUTOINCREMENT;
-- PostgreSQL: BIGINT, BYTEA, DATE, BOOLEAN, SMALLINT, BIGINT GENERATED ALWAYS AS IDENTITY
-- PRIMARY KEY). Times are Unix milliseconds (UTC). JSON that is part of a hash chain is kept
-- as TEXT (not JSONB, which re-formats what it stores), so that the chain can be recomputed
-- from the stored bytes. Users are named by their operator id only in `subjects` (and in open
-- rights requests); the ledger and the audit log name them by a keyed pseudonym, so that
-- erasing a subject never rewrites a chain.

-- Operator API keys: only the SHA-256 of the secret is kept; the secret is shown once.
-- Every change is audited with a digest of the row (`audit_log.state`).
CREATE TABLE api_keys (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    hash        {bytes} NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,             -- JSON array of scope names
    created_ms  {int}   NOT NULL,
    revoked_ms  {int}
);

-- Registered subjects (the operator's users). Contact points are never stored in clear:
-- *_enc = AES-256-GCM (nonce ‖ ciphertext), *_index = keyed blind index (HMAC-SHA256).
-- `key` is the keyed hash of `id`; `pseudonym` stands for this registration in the ledger
-- and the audit log.
CREATE TABLE subjects (
    key           {bytes} PRIMARY KEY,
    id            TEXT    NOT NULL UNIQUE,
    pseudonym     TEXT    NOT NULL UNIQUE,
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'restricted')),
    birth_date    {date},
    age           {small} CHECK (age BETWEEN 0 AND 255),
    age_known_on  {date},
    guardian      TEXT,
    phone_enc     {bytes},
    phone_index   {bytes},
    email_enc     {bytes},
    email_index   {bytes},
    erased        TEXT    NOT NULL DEFAULT '{}',  -- JSON: field id -> when a deletion erased it
    created_ms    {int}   NOT NULL,
    updated_ms    {int}   NOT NULL
);
CREATE INDEX subjects_phone_index ON subjects (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX subjects_email_index ON subjects (email_index) WHERE email_index IS NOT NULL;
CREATE INDEX subjects_guardian ON subjects (guardian) WHERE guardian IS NOT NULL;

-- Subjects whose account was cancelled and whose record was erased: only the keyed hash of
-- the id remains, so decisions answer `subject-cancelled`. Registering the id again starts
-- a new subject and removes the tombstone.
CREATE TABLE tombstones (
    key        {bytes} PRIMARY KEY,
    erased_ms  {int}   NOT NULL
);

-- The last seq and hash of each chain with a MAC under the chain key, updated in the
-- transaction that appends: records deleted from the end of a chain are detected against it.
CREATE TABLE chain_heads (
    chain  TEXT    PRIMARY KEY CHECK (chain IN ('consents', 'audit')),
    seq    {int}   NOT NULL,
    hash   TEXT    NOT NULL,
    mac    TEXT    NOT NULL                   -- empty until the first append
);
INSERT INTO chain_heads (chain, seq, hash, mac) VALUES
    ('consents', 0, '0000000000000000000000000000000000000000000000000000000000000000', ''),
    ('audit',    0, '0000000000000000000000000000000000000000000000000000000000000000', '');

-- The consent ledger: append-only, HMAC-chained (seq is assigned by gebao, without gaps).
-- `subject` is the registration's pseudonym; the chain hashes `evidence_digest`, so the
-- evidence is erased with the subject while the proof stays.
CREATE TABLE consents (
    seq              {int}   PRIMARY KEY,
    subject          TEXT    NOT NULL,
    scope            TEXT    NOT NULL,        -- JSON of the consent scope
    action           TEXT    NOT NULL CHECK (action IN ('grant', 'withdraw')),
    policy_version   {int}   NOT NULL,
    channel          TEXT    NOT NULL,
    evidence         TEXT,                    -- JSON; NULL once erased
    evidence_digest  TEXT    NOT NULL,
    by_guardian      {bool}  NOT NULL,
    actor            TEXT    NOT NULL,
    at_ms            {int}   NOT NULL,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL
);
CREATE INDEX consents_by_subject ON consents (subject, seq);

-- The audit log of every write and administrative action: append-only, HMAC-chained.
-- `state` is the digest of the target row after the change, for the rows the chain covers
-- (API keys, subjects, policy versions).
CREATE TABLE audit_log (
    seq        {int}   PRIMARY KEY,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    reason     TEXT,
    detail     TEXT    NOT NULL,              -- JSON
    state      TEXT,
    at_ms      {int}   NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_state_by_target ON audit_log (target, seq) WHERE state IS NOT NULL;

-- The change feed: what instances sharing the database must re-read (subjects, API keys,
-- policy versions), numbered under the audit head lock, so in commit order without gaps.
CREATE TABLE changes (
    seq    {int}   PRIMARY KEY,
    kind   TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    at_ms  {int}   NOT NULL
);

-- Published policy versions: the manifest, its rendered texts and the diff to the previous.
CREATE TABLE policy_versions (
    version       {int}   PRIMARY KEY,
    manifest      TEXT    NOT NULL,
    effective     {date}  NOT NULL,
    rendered      TEXT    NOT NULL,           -- JSON object: "<lang>.<format>" -> text
    diff          TEXT    NOT NULL,           -- JSON
    major         {bool}  NOT NULL,
    reconsent     TEXT    NOT NULL,           -- JSON array of purpose ids
    published_ms  {int}   NOT NULL
);

-- Rights requests (PIPL 44–50; pipl-rules part E). `subject` has no foreign key: once the
-- subject's account is cancelled and erased it holds the pseudonym instead, and the row
-- stays as the proof that the request was handled.
CREATE TABLE requests (
    id               TEXT    PRIMARY KEY,
    subject          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    requester        TEXT    NOT NULL,        -- JSON: the subject, a guardian or a close relative
    requester_id     TEXT    NOT NULL,        -- the requester's user id (a pseudonym once erased)
    channel          TEXT    NOT NULL,
    received_ms      {int}   NOT NULL,
    due_ms           {int}   NOT NULL,
    due_date         {date}  NOT NULL,        -- the last day, Asia/Shanghai
    due_estimated    {bool}  NOT NULL,        -- beyond the known holiday calendar
    verify_method    TEXT,
    verify_attempts  {int}   NOT NULL DEFAULT 0,
    otp_hash         TEXT,                    -- HMAC of the one-time code, never the code
    otp_expires_ms   {int},
    verified_ms      {int},
    verified_as      TEXT,
    refusal_reason   TEXT,
    refusal          TEXT,                    -- JSON: reason, remedy (zh-CN, en), note
    fee              TEXT,                    -- JSON: a charge for a repeated request
    details_enc      {bytes},                    -- AES-256-GCM of the details JSON (PI: corrections)
    progress         TEXT    NOT NULL,        -- JSON array of datasets done
    result           TEXT    NOT NULL,        -- JSON summary
    created_ms       {int}   NOT NULL,
    updated_ms       {int}   NOT NULL,
    closed_ms        {int},
    version          {int}   NOT NULL          -- optimistic lock: +1 per update
);
CREATE INDEX requests_by_subject ON requests (subject, kind, received_ms);
CREATE INDEX requests_by_requester ON requests (requester_id);
CREATE INDEX requests_open_by_due ON requests (due_ms) WHERE closed_ms IS NULL;
CREATE INDEX requests_by_state ON requests (state, due_ms);

-- Every transition of a request, with who and why (its audit entry is written with it).
CREATE TABLE request_events (
    seq         {serial},
    request_id  TEXT    NOT NULL REFERENCES requests (id),
    at_ms       {int}   NOT NULL,
    actor       TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    from_state  TEXT,
    to_state    TEXT    NOT NULL,
    reason      TEXT,
    detail      TEXT    NOT NULL               -- JSON, never PI
);
CREATE INDEX request_events_by_request ON request_events (request_id, seq);

-- The durable outbox: messages owed to the notifier, the operator, recipients. What the
-- target answered is never kept: only a status class and a short reason.
CREATE TABLE outbox (
    id                TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL,
    channel           TEXT    NOT NULL CHECK (channel IN ('webhook', 'manual')),
    target            TEXT    NOT NULL,
    payload_enc       {bytes},                    -- AES-256-GCM of the JSON payload; NULL once erased
    request_id        TEXT    REFERENCES requests (id),
    recipient         TEXT,
    dedupe            TEXT    UNIQUE,
    sensitive         {bool}  NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'manual', 'delivered', 'failed')),
    attempts          {int}   NOT NULL,
    max_attempts      {int}   NOT NULL,
    next_attempt_ms   {int}   NOT NULL,
    last_status       {int},                 -- HTTP status of the last attempt
    last_error        TEXT,                    -- short reason of the last failure
    created_ms        {int}   NOT NULL,
    delivered_ms      {int},
    ack_ms            {int},
    ack               TEXT,                    -- JSON: who acknowledged, their reference
    claim             TEXT,
    claimed_until_ms  {int}
);
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_request ON outbox (request_id);
