-- gebao schema, version 1 (SQLite).
-- Times are Unix milliseconds (UTC). JSON that is part of a hash chain is kept as TEXT,
-- exactly as written, so that the chain can be recomputed from the stored bytes.

-- Operator API keys: only the SHA-256 of the secret is kept; the secret is shown once.
CREATE TABLE api_keys (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    hash        BLOB    NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,             -- JSON array of scope names
    created_ms  INTEGER NOT NULL,
    revoked_ms  INTEGER
);

-- Subjects (the operator's users). Contact points are never stored in clear:
-- *_enc = AES-256-GCM (nonce ‖ ciphertext), *_index = keyed blind index (HMAC-SHA256).
CREATE TABLE subjects (
    id            TEXT    PRIMARY KEY,
    status        TEXT    NOT NULL DEFAULT 'active'
                          CHECK (status IN ('active', 'restricted', 'cancelled')),
    birth_date    TEXT,
    age           INTEGER CHECK (age BETWEEN 0 AND 255),
    age_known_on  TEXT,
    guardian      TEXT,
    phone_enc     BLOB,
    phone_index   BLOB,
    email_enc     BLOB,
    email_index   BLOB,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL
);
CREATE INDEX subjects_phone_index ON subjects (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX subjects_email_index ON subjects (email_index) WHERE email_index IS NOT NULL;

-- The last seq and hash of each chain, updated in the transaction that appends: records
-- deleted from the end of a chain are detected against it.
CREATE TABLE chain_heads (
    chain  TEXT    PRIMARY KEY CHECK (chain IN ('consents', 'audit')),
    seq    INTEGER NOT NULL,
    hash   TEXT    NOT NULL
);
INSERT INTO chain_heads (chain, seq, hash) VALUES
    ('consents', 0, '0000000000000000000000000000000000000000000000000000000000000000'),
    ('audit',    0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The consent ledger: append-only, hash-chained (seq is assigned by gebao, without gaps).
CREATE TABLE consents (
    seq             INTEGER PRIMARY KEY,
    subject         TEXT    NOT NULL REFERENCES subjects (id),
    scope           TEXT    NOT NULL,         -- JSON of the consent scope
    action          TEXT    NOT NULL CHECK (action IN ('grant', 'withdraw')),
    policy_version  INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    evidence        TEXT    NOT NULL,         -- JSON
    by_guardian     INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    at_ms           INTEGER NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL
);
CREATE INDEX consents_by_subject ON consents (subject, seq);

-- The audit log of every write and administrative action: append-only, hash-chained.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    reason     TEXT,
    detail     TEXT    NOT NULL,              -- JSON
    at_ms      INTEGER NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);

-- Published policy versions: the manifest, its rendered texts and the diff to the previous.
CREATE TABLE policy_versions (
    version       INTEGER PRIMARY KEY,
    manifest      TEXT    NOT NULL,
    effective     TEXT    NOT NULL,
    rendered      TEXT    NOT NULL,           -- JSON object: "<lang>.<format>" -> text
    diff          TEXT    NOT NULL,           -- JSON
    major         INTEGER NOT NULL,
    reconsent     TEXT    NOT NULL,           -- JSON array of purpose ids
    published_ms  INTEGER NOT NULL
);
