using Refit;

namespace SelfHostSync.Synology.Api;

/// <summary>
/// The DSM calls SelfHostSync makes. DSM is a dispatcher: <c>api</c>, <c>version</c> and <c>method</c> travel in the
/// form, the CGI path comes from <c>SYNO.API.Info</c>. Always POST (the sid and password never appear in a URL).
/// </summary>
internal interface IDsmApi
{
    [Get("/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query&query=ALL")]
    Task<DsmEnvelope<Dictionary<string, ApiInfoDto>>> QueryInfoAsync(CancellationToken cancellationToken);

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<LoginDto>> LoginAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<System.Text.Json.JsonElement?>> LogoutAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<DsmInfoDto>> DsmInfoAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<SystemInfoDto>> SystemInfoAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<NetworkDto>> NetworkAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<ShareListDto>> SharesAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<StorageDto>> StorageAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<TaskListDto>> BackupTasksAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<TaskStatusDto>> BackupTaskStatusAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<LogListDto>> BackupLogAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<AbbTaskListDto>> AbbTasksAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Post("/webapi/{path}")]
    Task<DsmEnvelope<DrPlanListDto>> DrPlansAsync(
        string path,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );
}
