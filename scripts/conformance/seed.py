"""Seeds a fresh `gebao serve` with a little data before the conformance run, so that the
generated requests that name an existing subject, consent or request reach real code
instead of stopping at a 404.

Usage: seed.py BASE_URL TOKEN   (run by scripts/api-conformance, with the venv's Python)
Every call must succeed; anything else stops the run.
"""

import sys

import requests


def main() -> None:
    base, token = sys.argv[1], sys.argv[2]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def post(path: str, body: object, expect: int) -> dict:
        r = session.post(base + path, json=body, timeout=10)
        if r.status_code != expect:
            sys.exit(f"seed: POST {path} answered {r.status_code}, expected {expect}: {r.text}")
        return r.json()

    # Two adults and a child with a guardian; short ids, the kind generators also produce.
    post("/v1/subjects", {"id": "0", "phone": "13800138000", "email": "a@example.cn"}, 201)
    post("/v1/subjects", {"id": "alice", "birth_date": "1990-01-01"}, 201)
    post("/v1/subjects", {"id": "kid", "age": 10, "guardian": "alice"}, 201)
    # Consents of every kind the clean manifest allows.
    scopes = [
        {"kind": "purpose", "purpose": "recommend"},
        {"kind": "purpose", "purpose": "push"},
        {"kind": "recipient", "recipient": "push-sdk"},
        {"kind": "cookie", "category": "analytics"},
        {"kind": "personalisation"},
    ]
    for subject in ("0", "alice"):
        for scope in scopes:
            post("/v1/consents", {"subject": subject, "action": "grant", "scope": scope}, 201)
    post("/v1/consents/withdraw", {"subject": "alice", "scope": scopes[1]}, 201)
    # Rights requests in a few states.
    post("/v1/requests", {"kind": "access", "subject": "0"}, 201)
    verified = post("/v1/requests", {"kind": "copy", "subject": "alice"}, 201)
    post(f"/v1/requests/{verified['id']}/verify", {"method": "operator-asserted", "user": "alice"}, 200)
    post("/v1/requests", {"kind": "complaint", "subject": "alice", "details": {"text": "太多推送"}}, 201)
    print("seeded: 3 subjects, 11 consent records, 3 requests")


if __name__ == "__main__":
    main()
