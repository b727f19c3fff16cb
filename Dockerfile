# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run in a small Debian image
# as an unprivileged user. SQLite and libpq are compiled in (bundled), so the
# runtime image needs no database client libraries.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p server \
    && cp target/release/server /usr/local/bin/server

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --create-home app
COPY --from=build /usr/local/bin/server /usr/local/bin/server
USER app
WORKDIR /data
ENV BIND=0.0.0.0:8000 \
    LOG_FORMAT=json
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["serve"]
