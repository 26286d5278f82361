-- Ending the service (TRM-01): the announcement, the end and the disposal report, as the
-- record stands now (`body`, JSON). No personal information: counts, never who.
CREATE TABLE terminations (
    id TEXT PRIMARY KEY,
    version {int} NOT NULL,
    state TEXT NOT NULL,
    end_ms {int} NOT NULL,
    announced_ms {int} NOT NULL,
    updated_ms {int} NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX terminations_state ON terminations (state, announced_ms);
