using Gateway.Api.Errors;

namespace Gateway.Api.Providers;

/// <summary>Turns an upstream's error response (status and body) into the gateway's error; see <see cref="UpstreamErrors.FromResponse"/>.</summary>
public delegate ApiError UpstreamErrorMap(string provider, int status, ReadOnlySpan<byte> body);
