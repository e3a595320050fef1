using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Control.Errors;

namespace Weft.Agent;

/// <summary>
/// Turns exceptions into Docker's error shape, <c>{"message": "..."}</c>: typed control-plane errors to
/// 404/409/400, unreadable request bodies to 400, APIs not served yet to 501, anything else to 500.
/// </summary>
internal static class ErrorMapping
{
    public static int StatusFor(Exception e) => e switch
    {
        WeftNotFoundException => StatusCodes.Status404NotFound,
        WeftConflictException => StatusCodes.Status409Conflict,
        WeftInvalidArgumentException => StatusCodes.Status400BadRequest,
        BadHttpRequestException bad => bad.StatusCode,
        NotAvailableException => StatusCodes.Status501NotImplemented,
        Cluster.ClusterException => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IApplicationBuilder UseWeftErrors(this IApplicationBuilder app, ILogger logger) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                var status = StatusFor(e);
                var message = e switch
                {
                    BadHttpRequestException => $"bad request body: {e.InnerException?.Message ?? e.Message}",
                    _ when status == StatusCodes.Status500InternalServerError => $"internal error in weftd: {e.Message}",
                    _ => e.Message,
                };
                if (status == StatusCodes.Status500InternalServerError)
                {
                    Log.RequestCrashed(logger, e, context.Request.Method, context.Request.Path);
                }
                else
                {
                    Log.RequestFailed(logger, context.Request.Method, context.Request.Path, status, message);
                }
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(new ErrorResponse { Message = message }, WeftApiJson.Options);
            }
        });
}
