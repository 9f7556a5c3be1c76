# The gateway, built from source. docker compose up uses it with a PostgreSQL container.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Gateway.sln ./
COPY src/Gateway.Domain/Gateway.Domain.csproj src/Gateway.Domain/
COPY src/Gateway.Portal/Gateway.Portal.csproj src/Gateway.Portal/
COPY src/Gateway.Api/Gateway.Api.csproj src/Gateway.Api/
RUN dotnet restore src/Gateway.Api/Gateway.Api.csproj
COPY src/ src/
RUN dotnet publish src/Gateway.Api/Gateway.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV PORT=4000 \
    DOTNET_gcServer=1
EXPOSE 4000
# Runs as the image's unprivileged user; a DATABASE_URL is expected (see docker-compose.yml).
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["dotnet", "Gateway.Api.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Gateway.Api.dll"]
