# idphoto HTTP service. Multi-stage: the builder makes the wheel and installs it with the pinned
# versions (constraints.txt) into /opt/idphoto; the final image gets that venv only: no
# sources, no pip, no build tools, a non-root user, nothing written at run time.
#   docker build -t idphoto .                               # on the official python:3.11-slim
#   docker build --build-arg BASE=idphoto-base:bookworm .   # on a bare Debian (ops/build_image.sh)
#   docker run --rm --read-only -p 8000:8000 -e IDPHOTO_WORKERS=2 idphoto
ARG BASE=python:3.11-slim

# Python 3.11: the official image has it; a bare Debian bookworm base gets Debian's python3.
FROM ${BASE} AS python
RUN if ! command -v python3 >/dev/null 2>&1; then \
        export DEBIAN_FRONTEND=noninteractive \
        && apt-get update -qq \
        && apt-get install -y -qq --no-install-recommends python3 >/dev/null \
        && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log; \
    fi

FROM python AS builder
# venv (with ensurepip) for the build tools: Debian ships it apart, in python3-venv.
RUN if ! python3 -c "import ensurepip" 2>/dev/null; then \
        export DEBIAN_FRONTEND=noninteractive \
        && apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; \
    fi
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Optional wheelhouse/ beside the Dockerfile (ops/build_image.sh fills it on the host when the
# build cannot reach PyPI itself): then every pip here installs from it alone. The glob keeps
# COPY valid without one; constraints.txt is only the file that always matches.
COPY constraints.txt wheelhous[e] /wheelhouse/
RUN if ls /wheelhouse/*.whl >/dev/null 2>&1; then \
        printf '[global]\nno-index = true\nfind-links = /wheelhouse\n' >/etc/pip.conf; \
    fi
WORKDIR /src
COPY constraints.txt pyproject.toml ./
# The build tools live in /opt/build; /opt/idphoto is made without pip and filled by the build
# venv's pip (--python). The dependencies first, from pyproject's list, so that this layer is
# rebuilt only when they or their pins change.
RUN python3 -m venv /opt/build \
    && /opt/build/bin/pip install -q -c constraints.txt --upgrade pip build \
    && python3 -m venv --without-pip /opt/idphoto \
    && python3 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" >/tmp/requirements.txt \
    && /opt/build/bin/pip --python /opt/idphoto/bin/python install -q -c constraints.txt -r /tmp/requirements.txt
COPY README.md ./
COPY service ./service
COPY rules ./rules
COPY models ./models
RUN /opt/build/bin/python -m build --wheel --dependency-constraints-txt constraints.txt --outdir /dist . >/tmp/build.log 2>&1 \
        || { tail -n 40 /tmp/build.log; exit 1; } \
    && /opt/build/bin/pip --python /opt/idphoto/bin/python install -q -c constraints.txt /dist/idphoto-*.whl \
    && cd / && /opt/idphoto/bin/python -m service.models.build_models \
    && /opt/idphoto/bin/idphoto --help >/dev/null

FROM python
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/idphoto/bin:$PATH \
    IDPHOTO_WORKERS=1
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin idphoto
COPY --from=builder /opt/idphoto /opt/idphoto
WORKDIR /opt/idphoto
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
CMD ["idphoto", "serve", "--host", "0.0.0.0", "--port", "8000"]
