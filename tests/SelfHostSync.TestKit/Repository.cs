namespace SelfHostSync.TestKit;

/// <summary>The checkout the tests run from: the directory holding <c>SelfHostSync.sln</c>.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfHostSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SelfHostSync.sln not found above the test binaries");
    }
}
