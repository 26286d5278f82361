-- Single-use sign-in links to the privacy centre, minted by the operator's backend for a
-- logged-in user. Only a keyed hash of the link's token is kept, and the subject by its
-- keyed pseudonym (`subjects.key`); a subject's links go with its erasure.
CREATE TABLE portal_links (
    token_hash {bytes} PRIMARY KEY,
    subject_key {bytes} NOT NULL,
    created_ms {int} NOT NULL,
    expires_ms {int} NOT NULL,
    used_ms {int}
);
CREATE INDEX portal_links_expires ON portal_links (expires_ms);
CREATE INDEX portal_links_subject ON portal_links (subject_key);
