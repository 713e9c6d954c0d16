# idphoto HTTP service: slim image, non-root, models inside, nothing written at run time.
#   docker build -t idphoto .
#   docker run --rm -p 8000:8000 -e IDPHOTO_WORKERS=2 idphoto
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    IDPHOTO_WORKERS=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY models ./models
COPY rules ./rules
# Editable install keeps models/ and rules/ where service/paths.py looks for them (/app).
RUN pip install --no-compile -e . \
    && python models/build_models.py \
    && useradd --system --uid 10001 --no-create-home idphoto

USER idphoto
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"
CMD ["idphoto", "serve", "--host", "0.0.0.0", "--port", "8000"]
