"""Test helper: the official Python `pusher` library as publisher and auth server.

Reads one JSON request per line on stdin, answers one JSON line on stdout.
argv[1]: JSON {"app_id", "key", "secret", "host", "port", "master_key"}.
"""
import json
import sys

import pusher

cfg = json.loads(sys.argv[1])
client = pusher.Pusher(
    app_id=cfg["app_id"],
    key=cfg["key"],
    secret=cfg["secret"],
    host=cfg["host"],
    port=cfg["port"],
    ssl=False,
    encryption_master_key_base64=cfg["master_key"],
)

for line in sys.stdin:
    request = json.loads(line)
    op = request["op"]
    try:
        if op == "trigger":
            client.trigger(request["channel"], request["event"], request["data"])
            out = {"ok": True}
        elif op == "trigger_batch":
            client.trigger_batch(request["batch"])
            out = {"ok": True}
        elif op == "auth":
            out = {"ok": True, "result": client.authenticate(
                channel=request["channel"],
                socket_id=request["socket_id"],
                custom_data=request.get("custom_data"),
            )}
        elif op == "user_auth":
            out = {"ok": True, "result": client.authenticate_user(request["socket_id"], request["user_data"])}
        elif op == "send_to_user":
            client.send_to_user(request["user_id"], request["event"], request["data"])
            out = {"ok": True}
        else:
            out = {"ok": False, "error": "unknown op " + op}
    except Exception as error:  # the test prints it
        out = {"ok": False, "error": repr(error)}
    print(json.dumps(out), flush=True)
