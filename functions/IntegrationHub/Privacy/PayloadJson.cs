using System.Text.Encodings.Web;
using System.Text.Json;

namespace IntegrationHub.Privacy;

/// <summary>How masked JSON payloads are written for operators: Chinese stays readable; it is shown as text, never as HTML.</summary>
internal static class PayloadJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
