# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0, built by .ci/container because images cannot be
# pulled on the CI machines: a Debian 12 root (debootstrap) with this machine's .NET and ASP.NET Core
# runtimes, and what the real image promises the Dockerfile: the non-root user `app` (APP_UID 1654),
# ASPNETCORE_HTTP_PORTS=8080 and DOTNET_RUNNING_IN_CONTAINER. Never pushed; the real image is Ubuntu 24.04.
FROM facemask-standin/debian:12
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_VERSION=10.0
RUN groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --create-home --shell /bin/false app
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --list-runtimes
