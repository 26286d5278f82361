-- The outbox learns a third channel: e-mail through the server's SMTP relay (`[smtp]`). The
-- channel's check is part of the table, so the table is rebuilt: the same columns, the
-- same rows, the same indexes.
CREATE TABLE outbox_next (
    id                TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL,
    channel           TEXT    NOT NULL CHECK (channel IN ('webhook', 'manual', 'email')),
    target            TEXT    NOT NULL,
    payload_enc       {bytes},
    request_id        TEXT    REFERENCES requests (id),
    recipient         TEXT,
    dedupe            TEXT    UNIQUE,
    sensitive         {bool}  NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'manual', 'delivered', 'failed')),
    attempts          {int}   NOT NULL,
    max_attempts      {int}   NOT NULL,
    next_attempt_ms   {int}   NOT NULL,
    last_status       {int},
    last_error        TEXT,
    created_ms        {int}   NOT NULL,
    delivered_ms      {int},
    ack_ms            {int},
    ack               TEXT,
    claim             TEXT,
    claimed_until_ms  {int}
);
INSERT INTO outbox_next (id, kind, channel, target, payload_enc, request_id, recipient, dedupe, sensitive, state,
    attempts, max_attempts, next_attempt_ms, last_status, last_error, created_ms, delivered_ms, ack_ms, ack, claim,
    claimed_until_ms)
SELECT id, kind, channel, target, payload_enc, request_id, recipient, dedupe, sensitive, state,
    attempts, max_attempts, next_attempt_ms, last_status, last_error, created_ms, delivered_ms, ack_ms, ack, claim,
    claimed_until_ms
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_request ON outbox (request_id);
