using System.Text.Json;

namespace Portal.Data.Rollups;

internal static class RollupJson
{
    public static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString };
}
