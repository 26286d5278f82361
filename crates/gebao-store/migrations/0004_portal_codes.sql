-- Sign-in to the privacy centre by a one-time code sent to the user's registered phone or
-- e-mail. A row per code asked for: the contact point by its keyed blind index (the same
-- index as `subjects`), the client address by a keyed hash, the subject by its keyed
-- pseudonym (`subjects.key`) when the contact point is registered, and only a keyed hash
-- of the code and of the challenge that names the row in the browser. A row for a contact
-- point that is not registered has no subject and no code: it only counts towards the
-- rate limits. Rows go a day after they expire, and a subject's with its erasure.
CREATE TABLE portal_codes (
    challenge_hash {bytes} PRIMARY KEY,
    contact_index {bytes} NOT NULL,
    client_hash {bytes} NOT NULL,
    subject_key {bytes},
    code_hash {bytes},
    created_ms {int} NOT NULL,
    expires_ms {int} NOT NULL,
    attempts {int} NOT NULL DEFAULT 0,
    used_ms {int}
);
CREATE INDEX portal_codes_contact ON portal_codes (contact_index, created_ms);
CREATE INDEX portal_codes_client ON portal_codes (client_hash, created_ms);
CREATE INDEX portal_codes_subject ON portal_codes (subject_key);
CREATE INDEX portal_codes_expires ON portal_codes (expires_ms);

