using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pbs;

/// <summary>
/// Reads one PBS snapshot by hand. A datastore lists 100,000s of them every pass, and the serializer's generic path
/// allocated a read stack, a file list and a verification object for each: about 60 % of what a pass allocated
/// (BENCHMARKS.md). Keeps the fields <see cref="SnapshotDto"/> has and skips everything else, whatever its shape;
/// a field we use with the wrong JSON type is a <see cref="JsonException"/> naming it.
/// </summary>
internal sealed class SnapshotConverter : JsonConverter<SnapshotDto>
{
    public override SnapshotDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"a snapshot is {reader.TokenType}, not an object");
        }

        string? type = null;
        string? id = null;
        long? time = null;
        var isProtected = false;
        var encrypted = false;
        var fingerprint = false;
        var sized = false;
        string? verification = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("backup-type"u8))
            {
                Next(ref reader);
                type = BackupType(ref reader);
            }
            else if (reader.ValueTextEquals("backup-id"u8))
            {
                Next(ref reader);
                id = String(ref reader, "backup-id");
            }
            else if (reader.ValueTextEquals("backup-time"u8))
            {
                Next(ref reader);
                time = reader.TokenType switch
                {
                    JsonTokenType.Number when reader.TryGetInt64(out var seconds) => seconds,
                    // Our JSON options read numbers given as strings elsewhere; so does this.
                    JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) =>
                        seconds,
                    JsonTokenType.Null => null,
                    _ => throw Wrong("backup-time", "a whole number", ref reader),
                };
            }
            else if (reader.ValueTextEquals("protected"u8))
            {
                Next(ref reader);
                isProtected = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False or JsonTokenType.Null => false,
                    JsonTokenType.Number when reader.TryGetInt32(out var flag) && flag is 0 or 1 => flag == 1,
                    _ => throw Wrong("protected", "a boolean", ref reader),
                };
            }
            else if (reader.ValueTextEquals("files"u8))
            {
                Next(ref reader);
                encrypted = FilesEncrypted(ref reader);
            }
            else if (reader.ValueTextEquals("fingerprint"u8))
            {
                Next(ref reader);
                fingerprint = reader.TokenType == JsonTokenType.String;
                Skip(ref reader);
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                Next(ref reader);
                sized = reader.TokenType == JsonTokenType.Number;
                Skip(ref reader);
            }
            else if (reader.ValueTextEquals("verification"u8))
            {
                Next(ref reader);
                verification = VerificationState(ref reader);
            }
            else
            {
                Next(ref reader);
                Skip(ref reader);
            }
        }

        return new SnapshotDto
        {
            BackupType = type,
            BackupId = id,
            BackupTime = time,
            Protected = isProtected,
            Encrypted = fingerprint || encrypted,
            Complete = sized,
            VerificationState = verification,
        };
    }

    public override void Write(Utf8JsonWriter writer, SnapshotDto value, JsonSerializerOptions options) => throw new NotSupportedException();

    /// <summary>The three types PBS knows, without a string per snapshot.</summary>
    private static string? BackupType(ref Utf8JsonReader reader) =>
        reader.TokenType != JsonTokenType.String ? String(ref reader, "backup-type")
        : reader.ValueTextEquals("vm"u8) ? "vm"
        : reader.ValueTextEquals("ct"u8) ? "ct"
        : reader.ValueTextEquals("host"u8) ? "host"
        : reader.GetString();

    /// <summary>
    /// <c>files</c>: objects <c>{filename, crypt-mode, size}</c> in real answers, plain names in the schema. Encrypted as
    /// PVE judges it (PBSPlugin <c>snapshot_files_encrypted</c>): every file but the index and client log blobs is
    /// <c>encrypt</c>, and there is at least one.
    /// </summary>
    private static bool FilesEncrypted(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Wrong("files", "a list", ref reader);
        }

        var any = false;
        var all = true;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Skip(ref reader);
                continue;
            }

            var metadata = false;
            var encrypt = false;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var isMode = reader.ValueTextEquals("crypt-mode"u8);
                var isName = reader.ValueTextEquals("filename"u8);
                Next(ref reader);
                if (isMode && reader.TokenType == JsonTokenType.String)
                {
                    encrypt = reader.ValueTextEquals("encrypt"u8);
                }
                else if (isName && reader.TokenType == JsonTokenType.String)
                {
                    metadata = reader.ValueTextEquals("index.json.blob"u8) || reader.ValueTextEquals("client.log.blob"u8);
                }
                else
                {
                    Skip(ref reader);
                }
            }

            if (!metadata)
            {
                any |= encrypt;
                all &= encrypt;
            }
        }

        return any && all;
    }

    private static string? VerificationState(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Wrong("verification", "an object", ref reader);
        }

        string? state = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var isState = reader.ValueTextEquals("state"u8);
            Next(ref reader);
            if (isState)
            {
                state =
                    reader.TokenType != JsonTokenType.String ? String(ref reader, "verification.state")
                    : reader.ValueTextEquals("ok"u8) ? "ok"
                    : reader.ValueTextEquals("failed"u8) ? "failed"
                    : reader.GetString();
            }
            else
            {
                Skip(ref reader);
            }
        }

        return state;
    }

    private static string? String(ref Utf8JsonReader reader, string field) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw Wrong(field, "a string", ref reader),
        };

    /// <summary>
    /// The next token. The serializer hands a converter the whole value, but a streamed reader is not a final block,
    /// so nested values are skipped with <see cref="Utf8JsonReader.TrySkip"/>.
    /// </summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("a snapshot is truncated");

    private static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is (JsonTokenType.StartObject or JsonTokenType.StartArray) && !reader.TrySkip())
        {
            throw new JsonException("a snapshot is truncated");
        }
    }

    private static JsonException Wrong(string field, string expected, ref Utf8JsonReader reader) =>
        new($"snapshot field '{field}' is {reader.TokenType}, not {expected}");
}
