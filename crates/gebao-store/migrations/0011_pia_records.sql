-- Personal-information protection impact assessments as assessed (PIPL 55–56): each save
-- is a new, immutable version (`record` = "ID:VERSION"), kept at least three years from
-- the assessment (`keep_until`). Each row is covered by the state digest of its audit entry.
CREATE TABLE pia_records (
    record TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    version {int} NOT NULL,
    assessed {date} NOT NULL,
    risk TEXT NOT NULL,
    keep_until {date} NOT NULL,
    created_ms {int} NOT NULL,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX pia_records_version ON pia_records (id, version);
