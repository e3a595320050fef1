using System.Net;

namespace Weft.Api;

/// <summary>The agent answered with an error status; <see cref="Exception.Message"/> is its <c>{"message"}</c>.</summary>
public sealed class WeftApiException(HttpStatusCode statusCode, string message) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
