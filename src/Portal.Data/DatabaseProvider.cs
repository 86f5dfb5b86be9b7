namespace Portal.Data;

/// <summary>Value of <c>Portal:Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
