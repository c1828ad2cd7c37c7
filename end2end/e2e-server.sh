#!/usr/bin/env bash
# The server the browser tests run against: the shipped content, plus a
# webhook for the demo organisation whose receiver is not there (port 9,
# nothing listens), so that the webhook page has a failing endpoint to
# show. Its secret lives in the data folder, outside the content folder,
# as the server insists. And the demo organisation publishes its figures.
set -euo pipefail
rm -rf .e2e-data
mkdir -p .e2e-data
cp -r ../content .e2e-data/content
echo "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" > .e2e-data/webhook.secret
cat >> .e2e-data/content/orgs/demo/org.toml <<TOML

[[webhooks]]
name = "e2e-crm"
url = "http://127.0.0.1:9/portal-events"
events = ["request.received", "request.status_changed"]
secret_file = "$PWD/.e2e-data/webhook.secret"

[metrics]
public = true
TOML
export PORTAL_CONTENT_DIR=.e2e-data/content PORTAL_WEBHOOKS_ALLOW_PRIVATE=true
exec ../target/release/server
