-- gebao schema, version 1 (PostgreSQL). Same semantics as the SQLite schema.
-- Times are Unix milliseconds (UTC). JSON that is part of a hash chain is kept as TEXT,
-- not JSONB, because JSONB re-formats what it stores and the chain is recomputed from the
-- stored text.

-- Operator API keys: only the SHA-256 of the secret is kept; the secret is shown once.
CREATE TABLE api_keys (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    hash        BYTEA   NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,             -- JSON array of scope names
    created_ms  BIGINT  NOT NULL,
    revoked_ms  BIGINT
);

-- Subjects (the operator's users). Contact points are never stored in clear:
-- *_enc = AES-256-GCM (nonce ‖ ciphertext), *_index = keyed blind index (HMAC-SHA256).
CREATE TABLE subjects (
    id            TEXT     PRIMARY KEY,
    status        TEXT     NOT NULL DEFAULT 'active'
                           CHECK (status IN ('active', 'restricted', 'cancelled')),
    birth_date    DATE,
    age           SMALLINT CHECK (age BETWEEN 0 AND 255),
    age_known_on  DATE,
    guardian      TEXT,
    phone_enc     BYTEA,
    phone_index   BYTEA,
    email_enc     BYTEA,
    email_index   BYTEA,
    created_ms    BIGINT   NOT NULL,
    updated_ms    BIGINT   NOT NULL
);
CREATE INDEX subjects_phone_index ON subjects (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX subjects_email_index ON subjects (email_index) WHERE email_index IS NOT NULL;

-- The last seq and hash of each chain. Appending instances lock its row
-- (SELECT … FOR UPDATE), which serialises appends across every instance sharing the
-- database; records deleted from the end of a chain are detected against it.
CREATE TABLE chain_heads (
    chain  TEXT    PRIMARY KEY CHECK (chain IN ('consents', 'audit')),
    seq    BIGINT  NOT NULL,
    hash   TEXT    NOT NULL
);
INSERT INTO chain_heads (chain, seq, hash) VALUES
    ('consents', 0, '0000000000000000000000000000000000000000000000000000000000000000'),
    ('audit',    0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The consent ledger: append-only, hash-chained (seq is assigned by gebao under the
-- chain-head lock, so it has no gaps, unlike a sequence).
CREATE TABLE consents (
    seq             BIGINT  PRIMARY KEY,
    subject         TEXT    NOT NULL REFERENCES subjects (id),
    scope           TEXT    NOT NULL,         -- JSON of the consent scope
    action          TEXT    NOT NULL CHECK (action IN ('grant', 'withdraw')),
    policy_version  BIGINT  NOT NULL,
    channel         TEXT    NOT NULL,
    evidence        TEXT    NOT NULL,         -- JSON
    by_guardian     BOOLEAN NOT NULL,
    actor           TEXT    NOT NULL,
    at_ms           BIGINT  NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL
);
CREATE INDEX consents_by_subject ON consents (subject, seq);

-- The audit log of every write and administrative action: append-only, hash-chained.
CREATE TABLE audit_log (
    seq        BIGINT  PRIMARY KEY,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    reason     TEXT,
    detail     TEXT    NOT NULL,              -- JSON
    at_ms      BIGINT  NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);

-- Published policy versions: the manifest, its rendered texts and the diff to the previous.
CREATE TABLE policy_versions (
    version       BIGINT  PRIMARY KEY,
    manifest      TEXT    NOT NULL,
    effective     DATE    NOT NULL,
    rendered      TEXT    NOT NULL,           -- JSON object: "<lang>.<format>" -> text
    diff          TEXT    NOT NULL,           -- JSON
    major         BOOLEAN NOT NULL,
    reconsent     TEXT    NOT NULL,           -- JSON array of purpose ids
    published_ms  BIGINT  NOT NULL
);
