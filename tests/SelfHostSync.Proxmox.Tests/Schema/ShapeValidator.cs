using System.Text.Json;

namespace SelfHostSync.Proxmox.Tests.Schema;

/// <summary>
/// Checks a response's <c>data</c> against a schema <c>returns</c>: types, required (non-optional) properties,
/// and no undeclared properties where the schema forbids them. Documented drift (../shared/api/schema/README.md)
/// is accepted: booleans sent as 0/1, PBS snapshot <c>files</c> as objects.
/// </summary>
internal static class ShapeValidator
{
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement value, string at = "data")
    {
        var problems = new List<string>();
        Check(schema, value, at, problems);
        return problems;
    }

    private static void Check(JsonElement schema, JsonElement value, string at, List<string> problems)
    {
        var type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case null or "any":
                return;
            case "null":
                if (value.ValueKind != JsonValueKind.Null)
                {
                    problems.Add($"{at}: expected null, got {value.ValueKind}");
                }

                return;
            case "string":
                if (
                    value.ValueKind != JsonValueKind.String
                    && !(at.EndsWith(".files[]", StringComparison.Ordinal) && value.ValueKind == JsonValueKind.Object)
                )
                {
                    problems.Add($"{at}: expected string, got {value.ValueKind}");
                }

                return;
            case "integer" or "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    problems.Add($"{at}: expected {type}, got {value.ValueKind}");
                }
                else if (type == "integer" && !value.TryGetInt64(out _))
                {
                    problems.Add($"{at}: expected integer, got {value.GetRawText()}");
                }

                return;
            case "boolean":
                if (
                    value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                    && !(value.ValueKind == JsonValueKind.Number && value.GetRawText() is "0" or "1")
                )
                {
                    problems.Add($"{at}: expected boolean, got {value.GetRawText()}");
                }

                return;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{at}: expected array, got {value.ValueKind}");
                    return;
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(items, item, at + "[]", problems);
                    }
                }

                return;
            case "object":
                CheckObject(schema, value, at, problems);
                return;
            default:
                problems.Add($"{at}: schema type '{type}' not understood");
                return;
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string at, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: expected object, got {value.ValueKind}");
            return;
        }

        if (!schema.TryGetProperty("properties", out var props))
        {
            return;
        }

        foreach (var p in props.EnumerateObject())
        {
            var optional =
                p.Value.TryGetProperty("optional", out var o)
                && (o.ValueKind == JsonValueKind.True || (o.ValueKind == JsonValueKind.Number && o.GetInt32() == 1));
            if (value.TryGetProperty(p.Name, out var v))
            {
                Check(p.Value, v, $"{at}.{p.Name}", problems);
            }
            else if (!optional)
            {
                problems.Add($"{at}.{p.Name}: required by the schema but missing");
            }
        }

        var closed =
            schema.TryGetProperty("additionalProperties", out var ap)
            && (ap.ValueKind == JsonValueKind.False || (ap.ValueKind == JsonValueKind.Number && ap.GetInt32() == 0));
        if (closed)
        {
            foreach (var extra in value.EnumerateObject().Where(x => !props.TryGetProperty(x.Name, out _)))
            {
                problems.Add($"{at}.{extra.Name}: not declared by the schema");
            }
        }
    }
}
