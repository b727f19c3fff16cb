# Recipes for everyday work; each is a plain cargo command underneath.

pg_url := env_var_or_default("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/events_test")

# Run the server on the embedded SQLite database (db.sqlite3).
run:
    cargo run --release -p server

# Run every test (PostgreSQL tests too when TEST_DATABASE_URL is set).
test:
    cargo test --workspace

# Run every test, requiring PostgreSQL.
test-pg:
    TEST_DATABASE_URL={{pg_url}} REQUIRE_POSTGRES=1 cargo test --workspace

# Check formatting and lints as CI does.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format the code.
fmt:
    cargo fmt --all

# Load benchmark (release build, wrk; installs wrk when missing). Set
# TEST_DATABASE_URL to measure PostgreSQL too; BENCH_* variables size it.
bench:
    cargo bench -p server --bench load

# Latency of list, search and detail at 10k, 100k and 1M events.
bench-scale:
    BENCH_MODE=scale cargo bench -p server --bench load

# Everything CI runs.
ci:
    bash .ci/run

# Spread reads with 0, 5 and 20% RSVP writes (BENCH_MIXED_WRITES), per database.
bench-mixed:
    BENCH_MODE=mixed cargo bench -p server --bench load
