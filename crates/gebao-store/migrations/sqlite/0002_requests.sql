-- gebao schema, version 2 (SQLite): rights requests, their events, and the outbox.
-- Times are Unix milliseconds (UTC).

-- Rights requests (PIPL 44–50; pipl-rules part E). `subject` has no foreign key: once the
-- subject's account is cancelled and erased it holds a keyed pseudonym instead, and the
-- row stays as the proof that the request was handled.
CREATE TABLE requests (
    id               TEXT    PRIMARY KEY,
    subject          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    requester        TEXT    NOT NULL,        -- JSON: the subject, a guardian or a close relative
    channel          TEXT    NOT NULL,
    received_ms      INTEGER NOT NULL,
    due_ms           INTEGER NOT NULL,
    due_date         TEXT    NOT NULL,        -- the last day, Asia/Shanghai
    due_estimated    INTEGER NOT NULL,        -- beyond the known holiday calendar
    verify_method    TEXT,
    verify_attempts  INTEGER NOT NULL DEFAULT 0,
    otp_hash         TEXT,                    -- HMAC of the one-time code, never the code
    otp_expires_ms   INTEGER,
    verified_ms      INTEGER,
    verified_as      TEXT,
    refusal_reason   TEXT,
    refusal          TEXT,                    -- JSON: reason, remedy (zh-CN, en), note
    fee              TEXT,                    -- JSON: a charge for a repeated request
    details_enc      BLOB,                    -- AES-256-GCM of the details JSON (PI: corrections)
    progress         TEXT    NOT NULL,        -- JSON array of datasets done
    result           TEXT    NOT NULL,        -- JSON summary
    created_ms       INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL,
    closed_ms        INTEGER,
    version          INTEGER NOT NULL          -- optimistic lock: +1 per update
);
CREATE INDEX requests_by_subject ON requests (subject, kind, received_ms);
CREATE INDEX requests_open_by_due ON requests (due_ms) WHERE closed_ms IS NULL;
CREATE INDEX requests_by_state ON requests (state, due_ms);

-- Every transition of a request, with who and why (its audit entry is written with it).
CREATE TABLE request_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  TEXT    NOT NULL REFERENCES requests (id),
    at_ms       INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    from_state  TEXT,
    to_state    TEXT    NOT NULL,
    reason      TEXT,
    detail      TEXT    NOT NULL               -- JSON, never PI
);
CREATE INDEX request_events_by_request ON request_events (request_id, seq);

-- The durable outbox: messages owed to the notifier, the operator, recipients.
CREATE TABLE outbox (
    id                TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL,
    channel           TEXT    NOT NULL CHECK (channel IN ('webhook', 'manual')),
    target            TEXT    NOT NULL,
    payload_enc       BLOB,                    -- AES-256-GCM of the JSON payload; NULL once erased
    request_id        TEXT    REFERENCES requests (id),
    recipient         TEXT,
    dedupe            TEXT    UNIQUE,
    sensitive         INTEGER NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'manual', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL,
    max_attempts      INTEGER NOT NULL,
    next_attempt_ms   INTEGER NOT NULL,
    last_error        TEXT,
    created_ms        INTEGER NOT NULL,
    delivered_ms      INTEGER,
    response          TEXT,                    -- JSON
    ack_ms            INTEGER,
    ack               TEXT,                    -- JSON
    claim             TEXT,
    claimed_until_ms  INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_request ON outbox (request_id);
