using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using SelfHostSync.Core.Tags;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Passes.Settings;

/// <summary>The rules on one value each (the attributes on <see cref="SyncOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class SyncFieldRules : IValidateOptions<SyncOptions>;

/// <summary>The rules across values: intent tags and rules (none unreachable), per-level policies, the tag names.</summary>
internal sealed class SyncRules : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        var problems = new OptionProblems();
        PassSettings.Intent(options.Intent, problems);
        PassSettings.Policies(options.Policies, problems);
        _ = TagVocabulary.Create(options.Tags.Names, out var tagErrors);
        foreach (var error in tagErrors)
        {
            problems.Add(error);
        }

        return problems.Result();
    }
}

/// <summary>A guest VMID or a range like <c>100-199</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class VmidRangeAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        Core.Classification.VmidRange.TryParse((string)value, out _) ? null : $"'{value}' is not a VMID or range like 100-199";
}

/// <summary>An intent level: what an operator declares for a guest in Proxmox, 3a (homelab) or 3b (production).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class IntentLevelAttribute : ValidationAttribute
{
    public static bool TryParse(string? text, out Level level) => LevelCodes.TryParse(text, out level) && level is Level.Homelab or Level.Production;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        TryParse(value as string, out _)
            ? ValidationResult.Success
            : new ValidationResult($"{OptionLineAttribute.KeyOf(validationContext)}: '{value}' is not 3a or 3b");
}

/// <summary>The level of a system outside Proxmox: 0, 1 or 2 (guests in Proxmox are found by themselves).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class InventoryLevelAttribute : ValidationAttribute
{
    public static bool TryParse(string? text, out Level level) =>
        LevelCodes.TryParse(text, out level) && level is not (Level.Homelab or Level.Production);

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        TryParse(value as string, out _)
            ? ValidationResult.Success
            : new ValidationResult(
                $"{OptionLineAttribute.KeyOf(validationContext)}: '{value}' is not 0, 1 or 2 (guests in Proxmox are found by themselves)"
            );
}
