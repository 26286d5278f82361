"""Registers N subjects and grants them the `recommend` purpose, and `push` with its provision to
the push SDK abroad, over one keep-alive connection."""
import http.client, json, os, sys

host, port = sys.argv[1], int(sys.argv[2])
token, n = os.environ["GEBAO_TOKEN"], int(os.environ.get("GEBAO_SUBJECTS", "1000"))
conn = http.client.HTTPConnection(host, port)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

def post(path, body):
    conn.request("POST", path, json.dumps(body), headers)
    r = conn.getresponse()
    r.read()
    if r.status >= 300:
        sys.exit(f"{path}: HTTP {r.status}")

for i in range(n):
    post("/v1/subjects", {"id": f"s{i}", "birth_date": "1990-01-01"})
    post("/v1/consents", {"subject": f"s{i}", "scope": {"kind": "purpose", "purpose": "recommend"}, "action": "grant", "channel": "app"})
    for scope in ({"kind": "purpose", "purpose": "push"},
                  {"kind": "recipient", "recipient": "push-sdk", "separate": "provision"},
                  {"kind": "recipient", "recipient": "push-sdk", "separate": "cross-border"}):
        post("/v1/consents", {"subject": f"s{i}", "scope": scope, "action": "grant", "channel": "app"})
