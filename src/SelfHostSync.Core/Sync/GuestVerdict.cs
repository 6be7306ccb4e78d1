using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Sync;

/// <summary>Classification, checks and tag plan of one guest: the pure part of the pass.</summary>
public sealed record GuestVerdict(Guest Guest, GuestClassification Classification, IReadOnlyList<CheckResult> Checks, TagPlan Plan)
{
    /// <summary>The newest backup proven to restore (from what could be read: partial evidence gives a lower bound); null when none is known.</summary>
    public ProvenRestorePoint? Proven { get; init; }

    public static GuestVerdict Decide(GuestEvidence evidence, Classifier classifier, SyncSettings settings, DateTimeOffset now)
    {
        var classification = classifier.Classify(evidence);
        var checks = GuestAssessor.Assess(evidence, classification, settings.Policies.For(classification.Level), now, settings.NoteExcerpts);
        var desired = DesiredTagsBuilder.Build(classification, checks, settings.Vocabulary);
        var plan = TagPlanner.Plan(evidence.Guest.Tags, desired, settings.Vocabulary);
        return new GuestVerdict(evidence.Guest, classification, checks, plan)
        {
            Proven = evidence.RestoreTests.Value is { } tests
                ? ProvenRestorePoint.Of(tests, evidence.Copies.IsKnown ? evidence.Copies.Value : null)
                : null,
        };
    }

    /// <summary>Classifies, assesses and plans every non-template guest of the evidence.</summary>
    public static IReadOnlyList<GuestVerdict> DecideAll(EvidenceSet evidence, SyncSettings settings, DateTimeOffset now)
    {
        var classifier = new Classifier(settings.Intent, settings.Clusters);
        var verdicts = new List<GuestVerdict>(evidence.Guests.Count);
        foreach (var guest in evidence.Guests)
        {
            if (!guest.Template)
            {
                verdicts.Add(Decide(evidence.For(guest), classifier, settings, now));
            }
        }

        return verdicts;
    }
}
