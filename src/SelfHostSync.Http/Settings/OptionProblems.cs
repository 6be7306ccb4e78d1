using Microsoft.Extensions.Options;

namespace SelfHostSync.Http.Settings;

/// <summary>The lines a cross-field rule finds, collected the way an <see cref="IValidateOptions{TOptions}"/> answers.</summary>
public sealed class OptionProblems
{
    private readonly List<string> _lines = [];

    public int Count => _lines.Count;

    public void Add(string line) => _lines.Add(line);

    /// <summary>Adds the secret's problem, if any, and gives its value.</summary>
    public string? Add(SecretRead secret)
    {
        if (secret.Problem is not null)
        {
            _lines.Add(secret.Problem);
        }

        return secret.Value;
    }

    /// <summary>A valid pin beside InsecureSkipVerify: the pin would be ignored (Proxmox and DSM endpoints alike).</summary>
    public void IgnoredPin(string key, string? fingerprint, bool insecureSkipVerify)
    {
        if (insecureSkipVerify && !string.IsNullOrWhiteSpace(fingerprint) && Fingerprints.Normalize(fingerprint) is not null)
        {
            _lines.Add(
                $"{key}: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify"
            );
        }
    }

    public ValidateOptionsResult Result() => _lines.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_lines);
}
