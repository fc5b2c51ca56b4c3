using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IntegrationHub.Contracts;

namespace IntegrationHub.Http;

/// <summary>The contracts' source-generated metadata with readable Chinese (no \u escapes) in responses.</summary>
internal static class HubJson
{
    // Safe because API JSON is never spliced into HTML unescaped; the portal sets text, not markup.
    public static readonly JsonSerializerOptions Options = new(HubJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
