"""Writes N users and five consents each, as `gebao import` reads them, into DIR:
subjects.jsonl and consents.jsonl. Used by scripts/bench-import and scripts/bench-scale.

Usage: generate.py N DIR [growing|random] [bare|contacts]
  growing (default): ids s0, s1, … — they grow as users register, so the `id` index is
      written at its end;
  random: ids of 32 hex digits, as many operators' are — each goes to a random place in
      the `id` index, as every subject's keyed hash does in the `key` index.
  bare (default): a birth date only;
  contacts: also a phone number and an e-mail address, as a migration from an account
      database carries — each is encrypted and gets a blind index (two more randomly
      keyed index entries a subject)."""
import hashlib
import sys

n, d = int(sys.argv[1]), sys.argv[2]
style = sys.argv[3] if len(sys.argv) > 3 else "growing"
if style not in ("growing", "random"):
    sys.exit(f"id style `{style}`: use growing or random")
profile = sys.argv[4] if len(sys.argv) > 4 else "bare"
if profile not in ("bare", "contacts"):
    sys.exit(f"subject profile `{profile}`: use bare or contacts")


def user_id(i):
    if style == "random":
        return hashlib.blake2b(str(i).encode(), digest_size=16).hexdigest()
    return f"s{i}"


scopes = ['{"kind":"purpose","purpose":"recommend"}', '{"kind":"purpose","purpose":"push"}',
          '{"kind":"purpose","purpose":"nearby"}', '{"kind":"personalisation"}',
          '{"kind":"recipient","recipient":"push-sdk","separate":"provision"}']
with open(f"{d}/subjects.jsonl", "w") as s, open(f"{d}/consents.jsonl", "w") as c:
    for i in range(n):
        u = user_id(i)
        contacts = f',"phone":"+86139{i:08d}","email":"user{i}@mail.example.cn"' if profile == "contacts" else ""
        s.write(f'{{"id":"{u}","birth_date":"1990-01-01"{contacts}}}\n')
        for scope in scopes:
            c.write(f'{{"subject":"{u}","action":"grant","scope":{scope},"channel":"app","at_ms":1764547200000}}\n')
