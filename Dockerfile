# syntax=docker/dockerfile:1
# Two images from one build of this repository (build context: the repository root):
#
#   migrator   the base image of every service's migrator: the binary, libpq, libcurl (for the ECS task
#              metadata endpoint), the CA certificates and an empty /migrations. A service's own repository
#              extends it with two lines (taskdefs/ci/Dockerfile.migrator):
#                  FROM <registry>/migrator:VERSION
#                  COPY migrations /migrations
#   launcher   the image of a CI job that runs Terraform: ecs-run and terraform on debian:bookworm-slim.
#
#   docker build --platform linux/amd64 --target migrator \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" --build-arg COMMIT="$(git rev-parse HEAD)" \
#     -t "$REGISTRY/migrator:$VERSION" .
#   docker build … --target launcher -t "$REGISTRY/ecs-run-launcher:$VERSION" .
#   docker build … --build-arg RDS_CA_BUNDLE=global-bundle.pem …  # CA bundle from the context, no download
#
# Checked without Docker (scripts/test): scripts/check-image-libs maps every shared library of the binaries
# to a package this file installs; scripts/rootfs-proof replays each runtime stage's RUN lines in a
# debootstrapped bookworm and runs the programs there as the stage's user; hadolint lints this file.

ARG TERRAFORM_VERSION=1.15.5

# Terraform's official image is Alpine, but its terraform binary is static Go and runs on Debian too.
FROM hashicorp/terraform:${TERRAFORM_VERSION} AS terraform

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
# The version --version prints; the context has no .git, so the pipeline passes it (see the top).
ARG VERSION=0.1.0-dev
ARG COMMIT=unknown
RUN sed -i -e "s|static let version = \".*\"|static let version = \"${VERSION}\"|" \
           -e "s|static let commit = \".*\"|static let commit = \"${COMMIT}\"|" Sources/BuildVersion/BuildVersion.swift \
 && grep -q "static let commit = \"${COMMIT}\"" Sources/BuildVersion/BuildVersion.swift
RUN swift build -c release --product migrator --static-swift-stdlib \
 && swift build -c release --product ecs-run --static-swift-stdlib \
 && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
 && install -D -m 0755 "$bin/migrator" /out/migrator \
 && install -D -m 0755 "$bin/ecs-run" /out/ecs-run \
 && strip --strip-all /out/migrator /out/ecs-run

FROM debian:bookworm-slim AS launcher
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=terraform /bin/terraform /usr/local/bin/terraform
COPY --from=build /out/ecs-run /usr/local/bin/ecs-run
# No USER and no ENTRYPOINT: GitLab's Docker executor runs the job's script in the image's shell, and the job
# writes .terraform/ into a checkout that its helper cloned as root.
CMD ["/bin/bash"]

FROM debian:bookworm-slim AS migrator
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Amazon RDS's CA bundle for PGSSLMODE=verify-full. By default it is fetched at build time; pass
# RDS_CA_BUNDLE=<file in the build context> for builds without internet access.
ARG RDS_CA_BUNDLE=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
# ADD, not COPY: the default is a URL (hadolint cannot see through the ARG).
# hadolint ignore=DL3020
ADD --chmod=0644 ${RDS_CA_BUNDLE} /etc/ssl/certs/rds-global-bundle.pem
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin migrator \
 && install -d -m 0755 /migrations
COPY --from=build /out/migrator /usr/local/bin/migrator
# A service's image adds its files here: COPY migrations /migrations
ENV MIGRATIONS_DIR=/migrations \
    PGSSLROOTCERT=/etc/ssl/certs/rds-global-bundle.pem
USER 10001
ENTRYPOINT ["migrator"]
CMD ["up"]
