# FaceMask.Api with the shipped models, in two images from one build:
#   docker build -t facemask .                                  # full: serves and retrains (libtorch)
#   docker build --target serving -t facemask-serving .         # serving only: no libtorch, never trains
# docker run -p 8080:8080 facemask; compose.yaml runs two serving replicas and one full worker.
# Build stage: restore on the project files alone (a cached layer while only code changes), then publish.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY FaceMask.Training/FaceMask.Training.csproj FaceMask.Training/
COPY FaceMask.Api/FaceMask.Api.csproj FaceMask.Api/
RUN dotnet restore FaceMask.Api/FaceMask.Api.csproj
COPY FaceMask.Training/ FaceMask.Training/
COPY FaceMask.Api/ FaceMask.Api/
RUN dotnet publish FaceMask.Api/FaceMask.Api.csproj -c Release --no-restore -o /app \
 && dotnet publish FaceMask.Api/FaceMask.Api.csproj -c Release --no-restore --no-build -p:ServingOnly=true -o /app-serving

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# What the native libraries load (found with ldd over the published *.so): OpenCvSharp's
# libOpenCvSharpExtern.so links GTK 3 (and through it X11, cairo, pango, glib), libdrm and libatomic;
# without the last two every prediction is a 500. curl: the health check. On the official Ubuntu 24.04
# base apt takes libgtk-3-0 as its 64-bit-time successor libgtk-3-0t64 (the only package providing it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgtk-3-0 libdrm2 libatomic1 curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY models/ models/
# Everything the service writes lives under /data (one volume): the datasets, the splits and models of
# retrains, the reference set, the embedded job store when no PostgreSQL is configured, and the
# Data Protection keys of the admin sign-in cookie (shared by replicas that share the volume).
ENV Model__Path=/app/models/facemask-v2 \
    Paths__FaceDetector=/app/models/blazeface/face_detection_front_128x128_barracuda.onnx \
    Detection__Model=/app/models/yunet/yunet_n_dynamic.onnx \
    Paths__Dataset=/data/Dataset \
    Paths__DatasetNew=/data/DatasetNew \
    Paths__DatasetSplit=/data/Dataset_Split \
    Paths__Models=/data/models \
    Paths__ReferenceSet=/data/ReferenceSet \
    Paths__DataProtectionKeys=/data/keys \
    Jobs__SqliteDirectory=/data/App_Data \
    ASPNETCORE_HTTP_PORTS=8080
RUN mkdir -p /data/Dataset /data/DatasetNew /data/Dataset_Split /data/models /data/ReferenceSet /data/keys /data/App_Data \
 && chown -R "$APP_UID" /data
VOLUME /data
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready >/dev/null || exit 1
ENTRYPOINT ["dotnet", "FaceMask.Api.dll"]

# Predictions, detection, the registry, the pages and retrain requests (enqueued for a worker); about
# 500 MB smaller. Needs PostgreSQL and a worker to retrain: a lone serving container cannot train.
FROM runtime AS serving
COPY --from=build /app-serving ./
ENV Jobs__RunRetrains=false

# Everything, retraining included: the single-container mode and compose's worker. The default target.
FROM runtime AS full
COPY --from=build /app ./
