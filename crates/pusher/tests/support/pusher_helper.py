"""Test helper: the official Python `pusher` library as publisher and auth server.

Reads one JSON request per line on stdin, answers one JSON line on stdout.
argv[1]: JSON {"app_id", "key", "secret", "host", "port", "master_key"}.
"""
import json
import sys
import threading
import time

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
        elif op == "bench_latency":
            # One event at a time, each stamped with the wall clock when it was handed to the server,
            # taking the channels in turn (one channel per client, so no client is always served first).
            channels = request["channels"]
            for i in range(request["count"]):
                channel = channels[i % len(channels)]
                client.trigger(channel, "latency", {"i": i, "sent_at_us": time.time_ns() // 1000})
                time.sleep(request["interval_ms"] / 1000.0)
            out = {"ok": True}
        elif op == "bench_burst":
            # As fast as the HTTP API takes them: batches from several threads.
            channel, count, threads = request["channel"], request["count"], request["threads"]
            size = request.get("batch_size", 10)
            pad = "x" * request.get("pad_bytes", 0)
            per_thread = count // threads
            errors = []

            def publish(offset):
                try:
                    for start in range(0, per_thread, size):
                        batch = [{"channel": channel, "name": "burst",
                                  "data": json.dumps({"i": offset + start + k, "pad": pad} if pad
                                                     else {"i": offset + start + k})}
                                 for k in range(min(size, per_thread - start))]
                        client.trigger_batch(batch)
                except Exception as error:
                    errors.append(repr(error))

            workers = [threading.Thread(target=publish, args=(t * per_thread,)) for t in range(threads)]
            started = time.time()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            out = {"ok": not errors, "error": errors[:1], "published": per_thread * threads,
                   "seconds": time.time() - started}
        else:
            out = {"ok": False, "error": "unknown op " + op}
    except Exception as error:  # the test prints it
        out = {"ok": False, "error": repr(error)}
    # authenticate() returns the shared secret as bytes.
    print(json.dumps(out, default=lambda value: value.decode() if isinstance(value, bytes) else repr(value)),
          flush=True)
