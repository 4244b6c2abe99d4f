# Multi-stage build: compile in the Rust image, run in a small Debian image as a non-root user.
# The container expects an external PostgreSQL (DATABASE_URL); see compose.yaml.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# Queries are checked against the committed .sqlx/ data: no database at build time.
ENV SQLX_OFFLINE=true
RUN cargo build --release --locked && strip target/release/gonghui

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin gonghui
WORKDIR /app
COPY --from=build /src/target/release/gonghui /usr/local/bin/gonghui
COPY static /app/static
USER gonghui
ENV GONGHUI_BIND=0.0.0.0:8080 \
    GONGHUI_STATIC_DIR=/app/static \
    GONGHUI_DATA_DIR=/app/data \
    TZ=Asia/Shanghai
EXPOSE 8080
CMD ["gonghui", "serve"]
