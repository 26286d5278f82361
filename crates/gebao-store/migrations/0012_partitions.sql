-- PostgreSQL only (SQLite keeps plain tables): the consent ledger and the audit log become
-- tables partitioned by range of `seq`, so that they can grow to billions of rows.
--
-- Why `seq`: both tables are append-only chains whose primary key is `seq`, assigned without
-- gaps under the chain head lock. A range of seq is a slice of the chain: every new row goes
-- to the newest partition (one hot index per table, older partitions never written but for
-- the erasure of evidence), the primary key stays unique without a second key, and what
-- reads by seq (`verify`, the feed other instances follow, the audit pages) visits one
-- partition or a few in order.
--
-- An existing table is not copied: it is renamed `*_legacy` and attached as the partition
-- below the next seq (one read of the table to check the bound, no row rewritten). An empty
-- one is dropped. The partitions ahead are created by the store right after the migrations
-- (`engine/partitions.rs`), with its configured size, and again whenever the newest fills.

ALTER TABLE consents RENAME TO consents_legacy;
ALTER INDEX consents_pkey RENAME TO consents_legacy_pkey;
ALTER INDEX consents_by_subject RENAME TO consents_legacy_by_subject;

CREATE TABLE consents (
    seq              {int}   NOT NULL,
    subject          TEXT    NOT NULL,
    scope            TEXT    NOT NULL,
    action           TEXT    NOT NULL CONSTRAINT consents_action_check CHECK (action IN ('grant', 'withdraw')),
    policy_version   {int}   NOT NULL,
    channel          TEXT    NOT NULL,
    evidence         TEXT,
    evidence_digest  TEXT    NOT NULL,
    by_guardian      {bool}  NOT NULL,
    actor            TEXT    NOT NULL,
    at_ms            {int}   NOT NULL,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    PRIMARY KEY (seq)
) PARTITION BY RANGE (seq);
CREATE INDEX consents_by_subject ON consents (subject, seq);

ALTER TABLE audit_log RENAME TO audit_log_legacy;
ALTER INDEX audit_log_pkey RENAME TO audit_log_legacy_pkey;
ALTER INDEX audit_state_by_target RENAME TO audit_log_legacy_state_by_target;

CREATE TABLE audit_log (
    seq        {int}   NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    reason     TEXT,
    detail     TEXT    NOT NULL,
    state      TEXT,
    at_ms      {int}   NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (seq)
) PARTITION BY RANGE (seq);
CREATE INDEX audit_state_by_target ON audit_log (target, seq) WHERE state IS NOT NULL;

-- The old rows become the first partition, or the empty old table goes. The bound is one
-- past the highest seq present; MINVALUE below, so that no row can fall outside it.
DO $$
DECLARE
    t text;
    top bigint;
BEGIN
    FOREACH t IN ARRAY ARRAY['consents', 'audit_log'] LOOP
        EXECUTE format('SELECT max(seq) FROM %I', t || '_legacy') INTO top;
        IF top IS NULL THEN
            EXECUTE format('DROP TABLE %I', t || '_legacy');
        ELSE
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%s)',
                           t, t || '_legacy', top + 1);
        END IF;
    END LOOP;
END
$$;
