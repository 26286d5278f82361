-- When a member of staff last signed out: every console session started before it ends,
-- so a session cookie copied elsewhere does not outlive the sign-out. Not part of the
-- account's audited digest (it grants nothing; it only ends sessions).
ALTER TABLE staff ADD COLUMN signed_out_ms {int};
