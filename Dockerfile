# syntax=docker/dockerfile:1
# The migrator image: the Swift build runs in the first stage, and only the binary, libpq, libcurl (for
# the ECS task metadata endpoint), the CA certificates and the service's migrations reach the runtime stage.
#
# The build context is this repository; the service's migrations are a directory inside it:
#   docker build --platform linux/amd64 --build-arg MIGRATIONS=taskdefs/migrations -t sample-migrator .
#   docker build --platform linux/amd64 --build-arg MIGRATIONS=orders/migrations -t orders-migrator:1.0.0 .
#   docker build … --build-arg RDS_CA_BUNDLE=global-bundle.pem …  # CA bundle from the context, no download
#
# scripts/check-image-libs checks, without Docker, that the runtime stage installs every shared library
# the binary needs; it reads this file's `swift build` and `apt-get install` lines.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libssl-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product migrator --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/migrator" /out/migrator

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Amazon RDS's CA bundle for PGSSLMODE=verify-full. By default it is fetched at build time; pass
# RDS_CA_BUNDLE=<file in the build context> for builds without internet access.
ARG RDS_CA_BUNDLE=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
ADD --chmod=0644 ${RDS_CA_BUNDLE} /etc/ssl/certs/rds-global-bundle.pem
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin migrator
COPY --from=build /out/migrator /usr/local/bin/migrator
# A directory of the build context (default migrations/); see the top of this file.
ARG MIGRATIONS=migrations
COPY ${MIGRATIONS}/ /migrations/
ENV MIGRATIONS_DIR=/migrations \
    PGSSLROOTCERT=/etc/ssl/certs/rds-global-bundle.pem
USER 10001
ENTRYPOINT ["migrator"]
CMD ["up"]
