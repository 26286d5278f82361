-- gebao schema, version 2 (PostgreSQL): rights requests, their events, and the outbox.
-- Same semantics as the SQLite schema.
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
    received_ms      BIGINT  NOT NULL,
    due_ms           BIGINT  NOT NULL,
    due_date         DATE    NOT NULL,        -- the last day, Asia/Shanghai
    due_estimated    BOOLEAN NOT NULL,        -- beyond the known holiday calendar
    verify_method    TEXT,
    verify_attempts  BIGINT  NOT NULL DEFAULT 0,
    otp_hash         TEXT,                    -- HMAC of the one-time code, never the code
    otp_expires_ms   BIGINT,
    verified_ms      BIGINT,
    verified_as      TEXT,
    refusal_reason   TEXT,
    refusal          TEXT,                    -- JSON: reason, remedy (zh-CN, en), note
    fee              TEXT,                    -- JSON: a charge for a repeated request
    details_enc      BYTEA,                    -- AES-256-GCM of the details JSON (PI: corrections)
    progress         TEXT    NOT NULL,        -- JSON array of datasets done
    result           TEXT    NOT NULL,        -- JSON summary
    created_ms       BIGINT  NOT NULL,
    updated_ms       BIGINT  NOT NULL,
    closed_ms        BIGINT,
    version          BIGINT  NOT NULL          -- optimistic lock: +1 per update
);
CREATE INDEX requests_by_subject ON requests (subject, kind, received_ms);
CREATE INDEX requests_open_by_due ON requests (due_ms) WHERE closed_ms IS NULL;
CREATE INDEX requests_by_state ON requests (state, due_ms);

-- Every transition of a request, with who and why (its audit entry is written with it).
CREATE TABLE request_events (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id  TEXT    NOT NULL REFERENCES requests (id),
    at_ms       BIGINT  NOT NULL,
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
    payload_enc       BYTEA,                    -- AES-256-GCM of the JSON payload; NULL once erased
    request_id        TEXT    REFERENCES requests (id),
    recipient         TEXT,
    dedupe            TEXT    UNIQUE,
    sensitive         BOOLEAN NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'manual', 'delivered', 'failed')),
    attempts          BIGINT  NOT NULL,
    max_attempts      BIGINT  NOT NULL,
    next_attempt_ms   BIGINT  NOT NULL,
    last_error        TEXT,
    created_ms        BIGINT  NOT NULL,
    delivered_ms      BIGINT,
    response          TEXT,                    -- JSON
    ack_ms            BIGINT,
    ack               TEXT,                    -- JSON
    claim             TEXT,
    claimed_until_ms  BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_request ON outbox (request_id);
