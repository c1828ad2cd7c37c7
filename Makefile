# The two commands that matter: `make run` and `make test`. Both install what
# is missing first (idempotently: versions are checked, nothing is reinstalled).
# Versions are pinned together; see README "Toolchain".

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
# wasm-opt (npm binaryen) and Playwright live in end2end/node_modules.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Brotli budget for the hydrated page (wasm + JS glue), in bytes.
WASM_BUDGET_BROTLI := 153600

.PHONY: run test tools rust-tools node-tools python-tools browser build lint unit integration e2e budget size bench fuzz clean

# The demo admin gets a fresh generated password on every `make run`
# (printed below); a real deployment creates its admins once, by hand.
DEMO_ADMIN := admin@demo.example

run: rust-tools node-tools build
	@mkdir -p data
	@echo "Demo staff account (console at http://127.0.0.1:3000/console):"
	@./target/release/server admin create --org demo --email $(DEMO_ADMIN) --role admin
	@echo "Portal at http://127.0.0.1:3000 (demo organisation: http://127.0.0.1:3000/o/demo)"
	@echo "Mail goes to ./data/outbox/*.eml and codes are logged, unless SMTP_URL is set."
	LEPTOS_SITE_ROOT=target/site ./target/release/server

test: tools lint unit integration build budget e2e
	@echo "make test: all suites passed"

tools: rust-tools node-tools browser python-tools

# From PyPI: an S3-compatible server for the object-store test (moto), the
# Standard Webhooks library the webhook tests verify deliveries with, and
# schemathesis, which the contract test runs over the OpenAPI document.
python-tools:
	@command -v moto_server >/dev/null || pip install -q 'moto[server]==5.1.22'
	@python3 -c 'import standardwebhooks' 2>/dev/null || pip install -q 'standardwebhooks==1.1.0'
	@st --version 2>/dev/null | grep -q 4.32.5 || pip install -q 'schemathesis==4.32.5'

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 4 minutes, once)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 25 minutes on 2 cores, once)"; \
	  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	    cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION) --features no_downloads; \
	fi

node-tools:
	@if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then \
	  cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi
	@command -v brotli >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q brotli)

# The site's wasm, JS and CSS are also written brotli- and gzip-compressed,
# once, at the highest levels: the server sends those to browsers that take
# them (a phone on a slow network gets 147 KiB instead of 436 KiB of wasm).
build: rust-tools node-tools browser
	cargo leptos build --release
	@for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do \
	  brotli -f -k -q 11 "$$file" && gzip -f -k -9 "$$file"; \
	done

# Clippy for each side on its own: the server build (app with ssr) and the wasm build (app with hydrate).
lint:
	cargo clippy -p domain -p portal -p app -p server --all-targets --features app/ssr -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# The domain's rules and words, the use cases' and storage's unit tests, and
# the pages' (the server's own run with the integration suite).
unit:
	cargo test -p domain -p portal -p app --features app/ssr

# Each test starts its own server; servers in one process share Leptos's
# process-global rendering state, which has made rare pages fail under
# parallel tests (see leptos-rs/leptos#4773; a deployment runs one server
# per process). So each test runs in a process of its own (cargo-nextest),
# a few at a time, or, without nextest, one at a time. The suite runs on
# SQLite, then on PostgreSQL when a server answers (scripts/integration.sh).
integration:
	./scripts/integration.sh

budget: build
	./scripts/wasm-size.sh $(WASM_BUDGET_BROTLI)

size: build
	./scripts/wasm-size.sh

e2e: build browser
	cd end2end && npx playwright test

# Benchmarks measure; `make test` never judges speed. In one run on this
# machine: the export of a million rows next to the sqlite3 shell
# (bench.rs), the notice page next to ServeDir, the tracking page and
# submissions on SQLite and PostgreSQL under wrk, a 1 GiB package download
# (bench_web.rs), the hydration payload, and Lighthouse on four pages
# (scripts/lighthouse.sh). Reports in target/bench/.
bench: build
	@command -v sqlite3 >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3)
	@command -v wrk >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)
	cargo test --release -p server --test integration bench -- --ignored --nocapture --test-threads=1
	./scripts/wasm-size.sh
	./scripts/lighthouse.sh

# Fuzzing (cargo fuzz, libFuzzer) of every parser of outside input, each
# target for FUZZ_SECONDS. cargo fuzz wants nightly's -Z flags: the one
# toolchain here is stable, and RUSTC_BOOTSTRAP=1 lets it take them.
# Corpora start from the shipped content; a crash leaves its input in
# fuzz/artifacts/<target>/ and fails the run.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := submission notice_text notice_import org_settings portal_config
fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
	@mkdir -p fuzz/corpus/org_settings fuzz/corpus/notice_text fuzz/corpus/notice_import fuzz/corpus/submission fuzz/corpus/portal_config
	@cp content/orgs/*/org.toml fuzz/corpus/org_settings/ 2>/dev/null; for f in content/orgs/demo/notice/*.md; do cp $$f fuzz/corpus/notice_text/; sed '1,/^+++$$/d' $$f > fuzz/corpus/notice_import/$$(basename $$f); done
	@echo '{"org":"demo","kind":"rectification","email":"kari@example.no","language":"nb","details":{"inaccurate":"a","correction":"b"}}' > fuzz/corpus/submission/rectification.json
	@printf 'DATABASE_URL = "postgres://portal@db/portal"\nPORTAL_EXPORT_DAYS = 14\nPORTAL_RATE_LIMIT_LOGIN = "off"\n' > fuzz/corpus/portal_config/example.toml
	@for target in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$target for $(FUZZ_SECONDS) s"; \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none $$target -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 || exit 1; \
	done

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/.e2e-data end2end/test-results
