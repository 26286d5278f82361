-- Personal-information incidents (PIPL 57; INCID): the record as it now stands (`body`, JSON,
-- with the columns the clock and the lists need beside it) and every change as an event.
-- No personal information: how many individuals and which categories, never who.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    version {int} NOT NULL,
    grade TEXT NOT NULL,
    found_ms {int} NOT NULL,
    reported_ms {int},
    closed_ms {int},
    updated_ms {int} NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX incidents_open ON incidents (closed_ms, found_ms);
CREATE TABLE incident_events (
    incident_id TEXT NOT NULL,
    version {int} NOT NULL,
    at_ms {int} NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (incident_id, version)
);
