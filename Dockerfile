# syntax=docker/dockerfile:1
# Two images from one build of this repository (build context: the repository root):
#
#   migrator   the base image of every service's migrator, FROM scratch: the static binary, a CA bundle, the
#              RDS CA bundle, passwd/group lines for user 10001 and an empty /migrations. A service's own
#              repository extends it with two lines (taskdefs/ci/Dockerfile.migrator):
#                  FROM <registry>/migrator:VERSION
#                  COPY migrations /migrations
#              scripts/image writes the same image without Docker (README "Images").
#   launcher   the official hashicorp/terraform image plus the static ecs-run, for CI jobs that run Terraform.
#
#   docker build --platform linux/amd64 --target migrator \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" --build-arg COMMIT="$(git rev-parse HEAD)" \
#     -t "$REGISTRY/migrator:$VERSION" .
#   docker build … --target launcher -t "$REGISTRY/ecs-run-launcher:$VERSION" .
#   docker build … --build-arg RDS_CA_BUNDLE=global-bundle.pem …  # CA bundle from the context, no download
#
# Checked without Docker (scripts/test): hadolint lints this file; scripts/check-image-libs checks that the
# binaries need no shared library; scripts/rootfs-proof runs them in scratch, musl and RHEL-layout roots;
# scripts/check-image runs scripts/image's equivalent of the migrator stage.

ARG TERRAFORM_VERSION=1.15.5

FROM swift:6.3-bookworm AS build
# The static libcurl and libpq are built from Debian's sources by scripts/static-libs (apt-get source).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev dpkg-dev patch pkg-config python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY scripts/static-libs ./scripts/
RUN scripts/static-libs
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
# Fully static, as scripts/release builds them: no NEEDED entry, so they run in scratch and on musl.
RUN PKG_CONFIG_PATH="$(scripts/static-libs --print-prefix)/lib/pkgconfig" \
    swift build -c release --product migrator --static-swift-stdlib -Xswiftc -static-executable \
 && PKG_CONFIG_PATH="$(scripts/static-libs --print-prefix)/lib/pkgconfig" \
    swift build -c release --product ecs-run --static-swift-stdlib -Xswiftc -static-executable \
 && bin="$(swift build -c release --static-swift-stdlib -Xswiftc -static-executable --show-bin-path)" \
 && install -D -m 0755 "$bin/ecs-run" /out/ecs-run \
 && install -D -m 0755 "$bin/migrator" /out/rootfs/migrator \
 && strip --strip-all /out/ecs-run /out/rootfs/migrator \
 && install -D -m 0644 /etc/ssl/certs/ca-certificates.crt /out/rootfs/etc/ssl/certs/ca-certificates.crt \
 && printf 'migrator:x:10001:10001:migrator:/nonexistent:/sbin/nologin\n' >/out/rootfs/etc/passwd \
 && printf 'migrator:x:10001:\n' >/out/rootfs/etc/group \
 && install -d -m 0755 /out/rootfs/migrations

FROM hashicorp/terraform:${TERRAFORM_VERSION} AS launcher
COPY --from=build /out/ecs-run /usr/local/bin/ecs-run
# No ENTRYPOINT (the image's is terraform): GitLab's Docker executor runs the job's script in the image's
# shell, busybox sh. No USER: the job writes .terraform/ into a checkout that its helper cloned as root.
ENTRYPOINT []
CMD ["/bin/sh"]

FROM scratch AS migrator
COPY --from=build /out/rootfs/ /
# Amazon RDS's CA bundle for PGSSLMODE=verify-full. By default it is fetched at build time; pass
# RDS_CA_BUNDLE=<file in the build context> for builds without internet access.
ARG RDS_CA_BUNDLE=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
# ADD, not COPY: the default is a URL (hadolint cannot see through the ARG).
# hadolint ignore=DL3020
ADD --chmod=0644 ${RDS_CA_BUNDLE} /etc/ssl/certs/rds-global-bundle.pem
# A service's image adds its files here: COPY migrations /migrations
ENV MIGRATIONS_DIR=/migrations \
    PGSSLROOTCERT=/etc/ssl/certs/rds-global-bundle.pem
USER 10001
ENTRYPOINT ["/migrator"]
CMD ["up"]
