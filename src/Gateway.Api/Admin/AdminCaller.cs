using Gateway.Api.Errors;
using Gateway.Api.Proxy;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace Gateway.Api.Admin;

/// <summary>
/// Wolverine middleware for every admin route: authenticates the key like the proxy does and hands the
/// <see cref="Caller"/> to the endpoint. Routes decide themselves whether a non-admin key may proceed.
/// </summary>
public static class AdminCaller
{
    public static async Task<(IResult, Caller?)> BeforeAsync(HttpContext context, Authenticator authenticator)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        return caller is null ? (error!.AsResult(), null) : (WolverineContinue.Result(), caller);
    }
}
