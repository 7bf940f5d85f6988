using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MasterSender.Broadcast;

/// <summary>The signal API's endpoints as the relay uses them (docs/api-contract.md). Never logs a secret.</summary>
public sealed class ApiClient(IHttpClientFactory clients, IOptionsMonitor<ApiOptions> options)
{
    public const string SessionClient = "MasterSender.Api";
    public const string BroadcastClient = "MasterSender.Broadcast";

    private Uri BaseUri => Uri.TryCreate(options.CurrentValue.Url, UriKind.Absolute, out var uri)
        ? new Uri(uri.ToString().TrimEnd('/') + "/")
        : throw new ApiLoginException("Api:Url is not set: tell the relay where the signal API is (config, environment MasterSender__Api__Url, or --Api:Url=...).");

    public async Task<string> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, "token"))
        {
            Content = new FormUrlEncodedContent([new("username", username), new("password", password), new("grant_type", "password")]),
        };
        using var response = await SendForSessionAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity)
        {
            throw new ApiLoginException("The API refused the user name or password" + Detail(text));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ApiLoginException($"The API answered {(int)response.StatusCode} to the login" + Detail(text));
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw new ApiLoginException("The API's login answer had no access_token.");
    }

    public async Task<UserInfo> GetMeAsync(string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "users/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendForSessionAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new UnauthorizedAccessException("The API no longer accepts the stored token.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ApiLoginException($"The API answered {(int)response.StatusCode} to users/me" + Detail(text));
        }

        try
        {
            return UserInfo.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new ApiLoginException("The API's users/me answer is not valid JSON.", exception);
        }
    }

    /// <summary>One delivery attempt (with the pipeline's quick retries inside). Classifies the outcome; never throws
    /// for the server's answers or for the network.</summary>
    public async Task<AttemptResult> BroadcastAsync(string body, string token, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, "signal/broadcast"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Options.Set(SigningHandler.Token, token);
            request.Options.Set(SigningHandler.Body, body);
            using var response = await clients.CreateClient(BroadcastClient).SendAsync(request, cancellationToken);
            return await ClassifyAsync(response, cancellationToken);
        }
        catch (BrokenCircuitException exception)
        {
            return new AttemptResult(AttemptOutcome.Transient, null, "The API is failing; pausing sends (circuit open): " + exception.Message);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Transient, null, "The API could not be reached: " + exception.Message);
        }
        catch (ApiLoginException exception)
        {
            return new AttemptResult(AttemptOutcome.Transient, null, exception.Message);
        }
    }

    public async Task<int?> PostStatusAsync(string json, string token, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, "mt5/status"))
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await SendForSessionAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendForSessionAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.CreateClient(SessionClient).SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ApiLoginException($"The API at {options.CurrentValue.Url} could not be reached ({exception.Message}).", exception);
        }
    }

    private static async Task<AttemptResult> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new AttemptResult(AttemptOutcome.Sent, status, "sent");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode switch
        {
            // The API already has this idempotency key: the signal arrived on an earlier attempt.
            HttpStatusCode.Conflict => new AttemptResult(AttemptOutcome.Sent, status, "already received (409)"),
            HttpStatusCode.Unauthorized => new AttemptResult(AttemptOutcome.Unauthorized, status, "401 Unauthorized"),
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => new AttemptResult(AttemptOutcome.Transient, status, $"{status}{Detail(text)}", RetryAfter(response)),
            _ when status >= 500 => new AttemptResult(AttemptOutcome.Transient, status, $"{status}{Detail(text)}", RetryAfter(response)),
            _ => new AttemptResult(AttemptOutcome.Rejected, status, $"{status}{Detail(text)}"),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    /// <summary>The server's own words, shortened: a FastAPI-style {"detail": …} or the first line of the text.</summary>
    private static string Detail(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
            {
                text = detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the text as it is.
        }

        var line = text.Split('\n')[0].Trim();
        return ": " + (line.Length > 300 ? line[..300] + "…" : line);
    }
}
