-- Staff accounts of the console, separate from API keys. A password is kept as an
-- Argon2id PHC string, the TOTP secret encrypted with the store's key (AAD: the name).
-- `totp_step` is the last 30-second step a code was accepted for: a code is used once.
-- `changed_ms` moves when the credentials, role or state change (not on sign-in), and
-- ends the sessions started before it.
CREATE TABLE staff (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret {bytes} NOT NULL,
    totp_step {int} NOT NULL,
    failed {int} NOT NULL,
    locked_until_ms {int},
    disabled_ms {int},
    created_ms {int} NOT NULL,
    changed_ms {int} NOT NULL
);
