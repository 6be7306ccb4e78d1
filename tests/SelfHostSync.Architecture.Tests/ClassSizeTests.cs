using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SelfHostSync.Architecture.Tests;

/// <summary>A class is named for what it holds; past ~300 lines it holds more than one thing.</summary>
public sealed class ClassSizeTests
{
    private const int MaximumLines = 300;

    [Fact]
    public void Types_InSource_AreAtMostThreeHundredLines()
    {
        var tooLarge = TypeSizes()
            .Where(t => t.Value > MaximumLines)
            .OrderByDescending(t => t.Value)
            .Select(t => $"{t.Key}: {t.Value} lines")
            .ToList();
        Assert.True(
            tooLarge.Count == 0,
            $"over {MaximumLines} lines (partials counted together):{Environment.NewLine}{string.Join(Environment.NewLine, tooLarge)}"
        );
    }

    [Fact]
    public void TypeSizes_PartialsInTwoFiles_AreSummed()
    {
        var first = CSharpSyntaxTree.ParseText("namespace N;\npartial class C\n{\n    int a;\n}\n");
        var second = CSharpSyntaxTree.ParseText("namespace N;\n\npartial class C\n{\n    int b;\n    int c;\n}\n");
        Assert.Equal(9, TypeSizes([first, second])["N.C"]);
    }

    private static Dictionary<string, int> TypeSizes() =>
        TypeSizes(Sources.SourceFiles().Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f)));

    /// <summary>Lines each top-level type spans, nested types included, partial declarations summed.</summary>
    private static Dictionary<string, int> TypeSizes(IEnumerable<SyntaxTree> trees) =>
        trees
            .SelectMany(tree =>
                tree.GetRoot().DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<TypeDeclarationSyntax>()
            )
            .GroupBy(Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(Lines), StringComparer.Ordinal);

    private static string Name(TypeDeclarationSyntax type)
    {
        var ns = type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString();
        var arity = type.TypeParameterList is { } p ? $"`{p.Parameters.Count}" : "";
        return ns is null ? type.Identifier.Text + arity : $"{ns}.{type.Identifier.Text}{arity}";
    }

    private static int Lines(TypeDeclarationSyntax type)
    {
        var span = type.GetLocation().GetLineSpan();
        return span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
    }
}
