"""Verifies webhook deliveries with the Standard Webhooks project's own
Python library (PyPI `standardwebhooks`), not with the portal's code.

Reads {"secret": "whsec_…", "deliveries": [{"headers": {…}, "body": "…"}]}
on standard input; prints one line of JSON per delivery: {"ok": true,
"payload": …} or {"ok": false, "error": "…"}.
"""

import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

asked = json.load(sys.stdin)
verifier = Webhook(asked["secret"])
for delivery in asked["deliveries"]:
    try:
        payload = verifier.verify(delivery["body"], delivery["headers"])
        print(json.dumps({"ok": True, "payload": payload}))
    except WebhookVerificationError as error:
        print(json.dumps({"ok": False, "error": str(error)}))
