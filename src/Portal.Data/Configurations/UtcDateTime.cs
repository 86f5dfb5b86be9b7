using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data.Configurations;

/// <summary>
/// Timestamps are stored as UTC <see cref="DateTime"/> (sortable and comparable on SQLite, timestamptz on PostgreSQL);
/// these converters mark them UTC again when read.
/// </summary>
internal static class UtcDateTime
{
    public static readonly ValueConverter<DateTime, DateTime> Converter =
        new(v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public static readonly ValueConverter<DateTime?, DateTime?> NullableConverter =
        new(v => v.HasValue ? v.Value.ToUniversalTime() : v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}
