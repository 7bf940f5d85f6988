using Microsoft.AspNetCore.Http;

namespace MasterSender.Relay.Status;

/// <summary>
/// The page answers only to itself. Host check: a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its
/// own name as Host and is refused. Origin check: a state-changing request must come from the page's own origin
/// (antiforgery tokens are checked as well, by the endpoints).
/// </summary>
internal sealed class LocalOnlyMiddleware(RequestDelegate next)
{
    private static readonly string[] LocalNames = ["127.0.0.1", "localhost"];

    public async Task InvokeAsync(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        var host = context.Request.Host;
        if (!host.HasValue || !LocalNames.Contains(host.Host, StringComparer.OrdinalIgnoreCase) || (host.Port ?? 80) != port)
        {
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, "This page answers only to http://127.0.0.1:" + port + "/ (Host header refused).");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (!IsOwnOrigin(origin, port))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Cross-site request refused (Origin must be this page).");
                return;
            }
        }

        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        await next(context);
    }

    private static bool IsOwnOrigin(string origin, int port) =>
        LocalNames.Any(name => string.Equals(origin, $"http://{name}:{port}", StringComparison.OrdinalIgnoreCase));

    private static async Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message);
    }
}
