"""Writes N users and five consents each, as `gebao import` reads them, into DIR:
subjects.jsonl and consents.jsonl. Used by scripts/bench-import and scripts/bench-scale."""
import sys

n, d = int(sys.argv[1]), sys.argv[2]
scopes = ['{"kind":"purpose","purpose":"recommend"}', '{"kind":"purpose","purpose":"push"}',
          '{"kind":"purpose","purpose":"nearby"}', '{"kind":"personalisation"}',
          '{"kind":"recipient","recipient":"push-sdk","separate":"provision"}']
with open(f"{d}/subjects.jsonl", "w") as s, open(f"{d}/consents.jsonl", "w") as c:
    for i in range(n):
        s.write(f'{{"id":"s{i}","birth_date":"1990-01-01"}}\n')
        for scope in scopes:
            c.write(f'{{"subject":"s{i}","action":"grant","scope":{scope},"channel":"app","at_ms":1764547200000}}\n')
