-- Personal information sent abroad (XB24 arts. 7–8), counted per year since 1 January.
-- `abroad_individuals`: each individual once per year and kind (sensitive or not), by the
-- keyed hash of the operator's user id — never the id; rows of the years before last are
-- pruned: their totals are final. `abroad_totals`: the counts, kept. `abroad_reports`: figures the
-- operator reports for transfers gebao did not decide (added to the counts).
CREATE TABLE abroad_individuals (
    year {int} NOT NULL,
    sensitive {bool} NOT NULL,
    subject_key {bytes} NOT NULL,
    first_ms {int} NOT NULL,
    PRIMARY KEY (year, sensitive, subject_key)
);
CREATE TABLE abroad_totals (
    year {int} NOT NULL,
    sensitive {bool} NOT NULL,
    counted {int} NOT NULL,
    PRIMARY KEY (year, sensitive)
);
CREATE TABLE abroad_reports (
    id TEXT PRIMARY KEY,
    year {int} NOT NULL,
    recipient TEXT,
    individuals {int} NOT NULL,
    sensitive_individuals {int} NOT NULL,
    note TEXT,
    at_ms {int} NOT NULL,
    reported_by TEXT NOT NULL
);
CREATE INDEX abroad_reports_year ON abroad_reports (year, at_ms);
