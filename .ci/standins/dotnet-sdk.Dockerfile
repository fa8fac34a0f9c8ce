# Stand-in for mcr.microsoft.com/dotnet/sdk:10.0, built by .ci/container because images cannot be
# pulled on the CI machines: a Debian 12 root (debootstrap) with this machine's .NET SDK, and the
# NuGet packages the FaceMask projects restore, copied from this machine's package cache into the
# image's (root's) global packages folder, and a user NuGet.Config with no package source, so
# `dotnet restore` in the Dockerfile resolves everything there and never reaches for the network
# (with nuget.org listed it loads the service index even when every package is present).
FROM facemask-standin/debian:12
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=true \
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
    NUGET_XMLDOC_MODE=skip
COPY dotnet /usr/share/dotnet
COPY packages /root/.nuget/packages
COPY NuGet.Config /root/.nuget/NuGet/NuGet.Config
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --version
