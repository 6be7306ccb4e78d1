using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Output;

/// <summary>JSON for reports: camelCase fields, lower-case enum values, as DESIGN §6 shows.</summary>
internal static class ReportJson
{
    public static JsonSerializerOptions Options { get; } =
        new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
}
