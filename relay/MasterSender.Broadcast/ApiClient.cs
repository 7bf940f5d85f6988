using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly.Timeout;

namespace MasterSender.Broadcast;

/// <summary>
/// The central API's calls (docs/api-contract.md). Each call takes a client from IHttpClientFactory, whose handler
/// chain is the Polly pipeline (timeouts, jittered quick retries) and then the per-attempt signer. Every call's outcome
/// goes to <see cref="ApiHealth"/>, the relay's circuit breaker and the page's view of the API.
/// </summary>
public sealed class ApiClient(IHttpClientFactory clients, ApiHealth health, Microsoft.Extensions.Options.IOptions<ApiOptions> options)
{
    public const string HttpClientName = "MasterSender.CentralApi";

    /// <summary><c>POST /token</c>; throws <see cref="ApiException"/> (CredentialsRefused on 400/401).</summary>
    public async Task<string> RequestTokenAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent([new("grant_type", "password"), new("username", username), new("password", password)]);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "token") { Content = form }, "POST /token", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
        {
            throw new ApiException($"Login refused by the API ({(int)response.StatusCode}): {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}", credentialsRefused: true);
        }

        using var json = await ReadJsonAsync(response, "POST /token", cancellationToken).ConfigureAwait(false);
        return json.RootElement.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value
            ? value
            : throw new ApiException("POST /token answered without an access_token.");
    }

    /// <summary><c>GET /users/me</c>; unknown fields ignored, optional ones may be missing.</summary>
    public async Task<UserProfile> GetProfileAsync(string token, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendAsync(request, "GET /users/me", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new ApiException("GET /users/me answered 401: the token is refused.", credentialsRefused: true);
        }

        using var json = await ReadJsonAsync(response, "GET /users/me", cancellationToken).ConfigureAwait(false);
        return UserProfileReader.Read(json.RootElement);
    }

    /// <summary><c>POST /signal/broadcast</c> with the canonical body as is; the signing handler adds the signature per attempt.</summary>
    public async Task<BroadcastOutcome> BroadcastAsync(string canonicalBody, string token, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "signal/broadcast")
        {
            Content = new StringContent(canonicalBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Options.Set(SigningHandler.SignedBody, canonicalBody);
        try
        {
            using var response = await SendAsync(request, "POST /signal/broadcast", cancellationToken).ConfigureAwait(false);
            return await ClassifyAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException unreachable)
        {
            return new BroadcastOutcome(BroadcastResult.Transient, 0, unreachable.Message);
        }
    }

    /// <summary><c>POST /mt5/status</c>; returns the status code (0 when the API could not be reached).</summary>
    public async Task<int> PostStatusAsync(StatusReport report, string token, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "mt5/status") { Content = JsonContent.Create(report, StatusReportJsonContext.Default.StatusReport) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await SendAsync(request, "POST /mt5/status", cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (ApiException)
        {
            return 0;
        }
    }

    private static async Task<BroadcastOutcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new BroadcastOutcome(BroadcastResult.Sent, code, "");
        }

        var detail = await DetailAsync(response, cancellationToken).ConfigureAwait(false);
        var result = code switch
        {
            401 => BroadcastResult.Unauthorized,
            409 when detail.Contains("duplicate idempotency key", StringComparison.OrdinalIgnoreCase) => BroadcastResult.Duplicate,
            _ when IsTransient(response.StatusCode) => BroadcastResult.Transient,
            _ => BroadcastResult.Rejected,
        };
        return new BroadcastOutcome(result, code, string.Create(CultureInfo.InvariantCulture, $"{code}: {detail}"));
    }

    /// <summary>The server's message: FastAPI's <c>detail</c> when the body is JSON, else the body's start.</summary>
    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out var detail))
            {
                return detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw text is the best message there is.
        }

        return body.Length > 300 ? body[..300] : body;
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException($"{call} answered {(int)response.StatusCode}: {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException malformed)
        {
            throw new ApiException($"{call} answered malformed JSON: {malformed.Message}");
        }
    }

    /// <summary>Sends through the pipeline, tells <see cref="ApiHealth"/> how it went, and turns "could not get an
    /// answer" into one exception type with a clear message.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (!options.Value.IsConfigured)
            {
                // Not the API's fault: nothing is reported to ApiHealth, and the page asks for the URL.
                throw new ApiException($"{call}: Api:Url is not set: enter the signal API's address on the status page");
            }

            var http = clients.CreateClient(HttpClientName);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException failure)
            {
                throw Unavailable($"{call}: API unreachable ({failure.Message})");
            }
            catch (TimeoutRejectedException)
            {
                throw Unavailable($"{call}: timed out");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable($"{call}: timed out");
            }

            if (IsTransient(response.StatusCode))
            {
                health.Failed(string.Create(CultureInfo.InvariantCulture, $"{call} answered {(int)response.StatusCode} {response.ReasonPhrase}"));
            }
            else
            {
                health.Answered();
            }

            return response;
        }
    }

    private ApiException Unavailable(string message)
    {
        health.Failed(message);
        return new ApiException(message);
    }

    /// <summary>Answers that say "not now" rather than "no": worth another try, and a sign of trouble.</summary>
    internal static bool IsTransient(HttpStatusCode code) => code is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)code >= 500;
}
