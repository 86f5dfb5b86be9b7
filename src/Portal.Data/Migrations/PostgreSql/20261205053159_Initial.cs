using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertSilences",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MatchersJson = table.Column<string>(type: "text", nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertSilences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    ScopeKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Scope = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    DisplayName = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EntityType = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    EntityId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConfusionRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    TrueClass = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    PredictedClass = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConfusionRollups", x => new { x.ModelId, x.Version, x.MinuteMs, x.TrueClass, x.PredictedClass });
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FeatureRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Feature = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Missing = table.Column<long>(type: "bigint", nullable: false),
                    OutOfRange = table.Column<long>(type: "bigint", nullable: false),
                    NewCategories = table.Column<long>(type: "bigint", nullable: false),
                    Min = table.Column<double>(type: "double precision", nullable: true),
                    Max = table.Column<double>(type: "double precision", nullable: true),
                    Sum = table.Column<double>(type: "double precision", nullable: false),
                    SumSq = table.Column<double>(type: "double precision", nullable: false),
                    Sketch = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeatureRollups", x => new { x.ModelId, x.Feature, x.MinuteMs });
                });

            migrationBuilder.CreateTable(
                name: "FeedbackLabels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    PredictionId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Label = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    LabelValue = table.Column<double>(type: "double precision", nullable: true),
                    TimestampMs = table.Column<long>(type: "bigint", nullable: false),
                    Matched = table.Column<bool>(type: "boolean", nullable: false),
                    ReceivedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeedbackLabels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Models",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TaskType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LowConfidenceThreshold = table.Column<double>(type: "double precision", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Models", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationChannels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SettingsJson = table.Column<string>(type: "text", nullable: false),
                    ProtectedSecret = table.Column<string>(type: "text", nullable: true),
                    SendResolved = table.Column<bool>(type: "boolean", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationChannels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PredictionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    PredictionId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    TimestampMs = table.Column<long>(type: "bigint", nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Segment = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ExperimentId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ExperimentUnit = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Prediction = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    PredictionValue = table.Column<double>(type: "double precision", nullable: true),
                    Score = table.Column<double>(type: "double precision", nullable: true),
                    Probabilities = table.Column<string>(type: "text", nullable: true),
                    LatencyMs = table.Column<double>(type: "double precision", nullable: true),
                    Error = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Features = table.Column<byte[]>(type: "bytea", nullable: true),
                    SchemaViolations = table.Column<int>(type: "integer", nullable: false),
                    ReceivedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PredictionHourRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HourMs = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Errors = table.Column<long>(type: "bigint", nullable: false),
                    SchemaViolations = table.Column<long>(type: "bigint", nullable: false),
                    LatencyCount = table.Column<long>(type: "bigint", nullable: false),
                    LatencySumMs = table.Column<double>(type: "double precision", nullable: false),
                    LatencyMaxMs = table.Column<double>(type: "double precision", nullable: false),
                    LatencyBuckets = table.Column<string>(type: "text", nullable: false),
                    ScoreCount = table.Column<long>(type: "bigint", nullable: false),
                    ScoreSum = table.Column<double>(type: "double precision", nullable: false),
                    ScoreBins = table.Column<string>(type: "text", nullable: false),
                    ClassCounts = table.Column<string>(type: "text", nullable: false),
                    LowConfidence = table.Column<long>(type: "bigint", nullable: false),
                    ValueCount = table.Column<long>(type: "bigint", nullable: false),
                    ValueSum = table.Column<double>(type: "double precision", nullable: false),
                    ValueSumSq = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionHourRollups", x => new { x.ModelId, x.Version, x.HourMs });
                });

            migrationBuilder.CreateTable(
                name: "PredictionRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Errors = table.Column<long>(type: "bigint", nullable: false),
                    SchemaViolations = table.Column<long>(type: "bigint", nullable: false),
                    LatencyCount = table.Column<long>(type: "bigint", nullable: false),
                    LatencySumMs = table.Column<double>(type: "double precision", nullable: false),
                    LatencyMaxMs = table.Column<double>(type: "double precision", nullable: false),
                    LatencyBuckets = table.Column<string>(type: "text", nullable: false),
                    ScoreCount = table.Column<long>(type: "bigint", nullable: false),
                    ScoreSum = table.Column<double>(type: "double precision", nullable: false),
                    ScoreBins = table.Column<string>(type: "text", nullable: false),
                    ClassCounts = table.Column<string>(type: "text", nullable: false),
                    LowConfidence = table.Column<long>(type: "bigint", nullable: false),
                    ValueCount = table.Column<long>(type: "bigint", nullable: false),
                    ValueSum = table.Column<double>(type: "double precision", nullable: false),
                    ValueSumSq = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionRollups", x => new { x.ModelId, x.Version, x.MinuteMs });
                });

            migrationBuilder.CreateTable(
                name: "ProvisionedObjects",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    EntityKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    File = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AppliedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisionedObjects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QualityHourRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HourMs = table.Column<long>(type: "bigint", nullable: false),
                    Labelled = table.Column<long>(type: "bigint", nullable: false),
                    Correct = table.Column<long>(type: "bigint", nullable: false),
                    TruePositives = table.Column<long>(type: "bigint", nullable: false),
                    FalsePositives = table.Column<long>(type: "bigint", nullable: false),
                    FalseNegatives = table.Column<long>(type: "bigint", nullable: false),
                    TrueNegatives = table.Column<long>(type: "bigint", nullable: false),
                    AbsErrorSum = table.Column<double>(type: "double precision", nullable: false),
                    SqErrorSum = table.Column<double>(type: "double precision", nullable: false),
                    LabelSum = table.Column<double>(type: "double precision", nullable: false),
                    LabelSumSq = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualityHourRollups", x => new { x.ModelId, x.Version, x.HourMs });
                });

            migrationBuilder.CreateTable(
                name: "QualityRollups",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    Labelled = table.Column<long>(type: "bigint", nullable: false),
                    Correct = table.Column<long>(type: "bigint", nullable: false),
                    TruePositives = table.Column<long>(type: "bigint", nullable: false),
                    FalsePositives = table.Column<long>(type: "bigint", nullable: false),
                    FalseNegatives = table.Column<long>(type: "bigint", nullable: false),
                    TrueNegatives = table.Column<long>(type: "bigint", nullable: false),
                    AbsErrorSum = table.Column<double>(type: "double precision", nullable: false),
                    SqErrorSum = table.Column<double>(type: "double precision", nullable: false),
                    LabelSum = table.Column<double>(type: "double precision", nullable: false),
                    LabelSumSq = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualityRollups", x => new { x.ModelId, x.Version, x.MinuteMs });
                });

            migrationBuilder.CreateTable(
                name: "ResourceRollups",
                columns: table => new
                {
                    Host = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Samples = table.Column<long>(type: "bigint", nullable: false),
                    CpuSamples = table.Column<long>(type: "bigint", nullable: false),
                    MemorySamples = table.Column<long>(type: "bigint", nullable: false),
                    GpuSamples = table.Column<long>(type: "bigint", nullable: false),
                    CpuSum = table.Column<double>(type: "double precision", nullable: false),
                    CpuMax = table.Column<double>(type: "double precision", nullable: false),
                    MemoryPercentSum = table.Column<double>(type: "double precision", nullable: false),
                    MemoryBytesMax = table.Column<long>(type: "bigint", nullable: false),
                    GpuSum = table.Column<double>(type: "double precision", nullable: false),
                    GpuMax = table.Column<double>(type: "double precision", nullable: false),
                    GpuMemoryBytesMax = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResourceRollups", x => new { x.Host, x.MinuteMs });
                });

            migrationBuilder.CreateTable(
                name: "ResourceSamples",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Host = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: true),
                    TimestampMs = table.Column<long>(type: "bigint", nullable: false),
                    CpuPercent = table.Column<double>(type: "double precision", nullable: true),
                    MemoryBytes = table.Column<long>(type: "bigint", nullable: true),
                    MemoryPercent = table.Column<double>(type: "double precision", nullable: true),
                    GpuPercent = table.Column<double>(type: "double precision", nullable: true),
                    GpuMemoryBytes = table.Column<long>(type: "bigint", nullable: true),
                    ReceivedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResourceSamples", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Runbooks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Markdown = table.Column<string>(type: "text", nullable: false),
                    Tags = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Runbooks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DriftSettings",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Cron = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Window = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FixedStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FixedEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DriftShare = table.Column<double>(type: "double precision", nullable: false),
                    MinSampleSize = table.Column<int>(type: "integer", nullable: false),
                    FeaturesJson = table.Column<string>(type: "text", nullable: false),
                    SeverityJson = table.Column<string>(type: "text", nullable: false),
                    BenjaminiHochberg = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftSettings", x => x.ModelId);
                    table.ForeignKey(
                        name: "FK_DriftSettings_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Hypothesis = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    UnitType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Alpha = table.Column<double>(type: "double precision", nullable: false),
                    Power = table.Column<double>(type: "double precision", nullable: false),
                    MinimumDetectableEffect = table.Column<double>(type: "double precision", nullable: false),
                    BaselineValue = table.Column<double>(type: "double precision", nullable: true),
                    BaselineStdDev = table.Column<double>(type: "double precision", nullable: true),
                    Looks = table.Column<int>(type: "integer", nullable: false),
                    AnalysisMode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SequentialTuningParameter = table.Column<double>(type: "double precision", nullable: false),
                    Correction = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequiredPerVariant = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StoppedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConcludedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Conclusion = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Experiments_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FairnessSettings",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Attributes = table.Column<List<string>>(type: "text[]", nullable: false),
                    MinGroupSize = table.Column<int>(type: "integer", nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessSettings", x => x.ModelId);
                    table.ForeignKey(
                        name: "FK_FairnessSettings_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JobRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: true),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DurationMs = table.Column<double>(type: "double precision", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    InputJson = table.Column<string>(type: "text", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: true),
                    Node = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JobRuns_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ModelFeatures",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Min = table.Column<double>(type: "double precision", nullable: true),
                    Max = table.Column<double>(type: "double precision", nullable: true),
                    Categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    Importance = table.Column<double>(type: "double precision", nullable: true),
                    Ordinal = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelFeatures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelFeatures_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ModelVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelVersions_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PossibleDriftEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Detector = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Signal = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Statistic = table.Column<double>(type: "double precision", nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    MeanBefore = table.Column<double>(type: "double precision", nullable: true),
                    MeanAfter = table.Column<double>(type: "double precision", nullable: true),
                    ValuesSeen = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PossibleDriftEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PossibleDriftEvents_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReferenceDatasets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RowCount = table.Column<long>(type: "bigint", nullable: false),
                    Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferenceDatasets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferenceDatasets_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SavedDriftReports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Current = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DatasetDrift = table.Column<bool>(type: "boolean", nullable: false),
                    Columns = table.Column<int>(type: "integer", nullable: false),
                    DriftedColumns = table.Column<int>(type: "integer", nullable: false),
                    ResultJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedDriftReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedDriftReports_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SloDefinitions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TargetPercent = table.Column<double>(type: "double precision", nullable: false),
                    WindowDays = table.Column<int>(type: "integer", nullable: false),
                    LatencyBoundMs = table.Column<double>(type: "double precision", nullable: true),
                    MinRequestsPerMinute = table.Column<double>(type: "double precision", nullable: true),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    PageSeverity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TicketSeverity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ChannelIdsJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SloDefinitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SloDefinitions_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    GroupKey = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FiringAlertIdsJson = table.Column<string>(type: "text", nullable: false),
                    ResolvedAlertIdsJson = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertNotifications_NotificationChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "NotificationChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NotificationGroups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: true),
                    GroupKey = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastFlushAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastNotifiedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NotifiedFiringJson = table.Column<string>(type: "text", nullable: false),
                    NotifiedResolvedJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationGroups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationGroups_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_NotificationGroups_NotificationChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "NotificationChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunbookVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunbookId = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Markdown = table.Column<string>(type: "text", nullable: false),
                    Tags = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunbookVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunbookVersions_Runbooks_RunbookId",
                        column: x => x.RunbookId,
                        principalTable: "Runbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentArms",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Share = table.Column<double>(type: "double precision", nullable: false),
                    IsControl = table.Column<bool>(type: "boolean", nullable: false),
                    IsShadow = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentArms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentArms_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentLifecycleEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    From = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentLifecycleEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentLifecycleEvents_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentMetrics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    HigherIsBetter = table.Column<bool>(type: "boolean", nullable: false),
                    Bound = table.Column<double>(type: "double precision", nullable: true),
                    Margin = table.Column<double>(type: "double precision", nullable: true),
                    CapPercentile = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentMetrics_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentObservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UnitId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<double>(type: "double precision", nullable: false),
                    Covariate = table.Column<double>(type: "double precision", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentObservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentObservations_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DriftRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobRunId = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Baseline = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CurrentCount = table.Column<long>(type: "bigint", nullable: false),
                    HasVerdict = table.Column<bool>(type: "boolean", nullable: false),
                    DatasetDrift = table.Column<bool>(type: "boolean", nullable: false),
                    DriftShare = table.Column<double>(type: "double precision", nullable: false),
                    WeightedDriftShare = table.Column<double>(type: "double precision", nullable: false),
                    Features = table.Column<int>(type: "integer", nullable: false),
                    DriftedFeatures = table.Column<int>(type: "integer", nullable: false),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PredictionPsi = table.Column<double>(type: "double precision", nullable: true),
                    TargetPsi = table.Column<double>(type: "double precision", nullable: true),
                    DataQualityJson = table.Column<string>(type: "text", nullable: false),
                    SchemaViolations = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: true),
                    BenjaminiHochberg = table.Column<bool>(type: "boolean", nullable: false),
                    PcaReconstructionError = table.Column<double>(type: "double precision", nullable: true),
                    PcaBandLower = table.Column<double>(type: "double precision", nullable: true),
                    PcaBandUpper = table.Column<double>(type: "double precision", nullable: true),
                    PcaDrift = table.Column<bool>(type: "boolean", nullable: true),
                    PcaComponents = table.Column<int>(type: "integer", nullable: true),
                    MmdStatistic = table.Column<double>(type: "double precision", nullable: true),
                    MmdPValue = table.Column<double>(type: "double precision", nullable: true),
                    MmdDrift = table.Column<bool>(type: "boolean", nullable: true),
                    MultivariateMessage = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftRuns_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DriftRuns_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentAnalyses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    JobRunId = table.Column<long>(type: "bigint", nullable: true),
                    Verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StillNeededPerVariant = table.Column<long>(type: "bigint", nullable: false),
                    SrmMismatch = table.Column<bool>(type: "boolean", nullable: false),
                    SrmPValue = table.Column<double>(type: "double precision", nullable: true),
                    InformationFraction = table.Column<double>(type: "double precision", nullable: false),
                    Look = table.Column<int>(type: "integer", nullable: true),
                    PrimaryJson = table.Column<string>(type: "text", nullable: false),
                    ResultJson = table.Column<string>(type: "text", nullable: false),
                    DataDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentAnalyses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentAnalyses_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ExperimentAnalyses_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "FairnessDisparityResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobRunId = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Window = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Attribute = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Metric = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Ratio = table.Column<double>(type: "double precision", nullable: true),
                    LowestGroup = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    HighestGroup = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessDisparityResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FairnessDisparityResults_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FairnessDisparityResults_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FairnessGroupResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobRunId = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Window = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attribute = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Group = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    IncludedInRatios = table.Column<bool>(type: "boolean", nullable: false),
                    Accuracy = table.Column<double>(type: "double precision", nullable: false),
                    SelectionRate = table.Column<double>(type: "double precision", nullable: false),
                    FalsePositiveRate = table.Column<double>(type: "double precision", nullable: true),
                    TruePositiveRate = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessGroupResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FairnessGroupResults_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FairnessGroupResults_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QualityResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobRunId = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Window = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Segment = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Labelled = table.Column<long>(type: "bigint", nullable: false),
                    SampleSize = table.Column<int>(type: "integer", nullable: false),
                    Accuracy = table.Column<double>(type: "double precision", nullable: true),
                    Precision = table.Column<double>(type: "double precision", nullable: true),
                    Recall = table.Column<double>(type: "double precision", nullable: true),
                    F1 = table.Column<double>(type: "double precision", nullable: true),
                    RocAuc = table.Column<double>(type: "double precision", nullable: true),
                    LogLoss = table.Column<double>(type: "double precision", nullable: true),
                    Mae = table.Column<double>(type: "double precision", nullable: true),
                    Rmse = table.Column<double>(type: "double precision", nullable: true),
                    R2 = table.Column<double>(type: "double precision", nullable: true),
                    Mape = table.Column<double>(type: "double precision", nullable: true),
                    LabelDelayP50Ms = table.Column<double>(type: "double precision", nullable: true),
                    LabelDelayP95Ms = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedAccuracy = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedAccuracyLower = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedAccuracyUpper = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedPrecision = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedPrecisionLower = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedPrecisionUpper = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRecall = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRecallLower = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRecallUpper = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedF1 = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedF1Lower = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedF1Upper = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRocAuc = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRocAucLower = table.Column<double>(type: "double precision", nullable: true),
                    EstimatedRocAucUpper = table.Column<double>(type: "double precision", nullable: true),
                    RealisedAccuracyLower = table.Column<double>(type: "double precision", nullable: true),
                    RealisedAccuracyUpper = table.Column<double>(type: "double precision", nullable: true),
                    RealisedPrecisionLower = table.Column<double>(type: "double precision", nullable: true),
                    RealisedPrecisionUpper = table.Column<double>(type: "double precision", nullable: true),
                    RealisedRecallLower = table.Column<double>(type: "double precision", nullable: true),
                    RealisedRecallUpper = table.Column<double>(type: "double precision", nullable: true),
                    RealisedF1Lower = table.Column<double>(type: "double precision", nullable: true),
                    RealisedF1Upper = table.Column<double>(type: "double precision", nullable: true),
                    RealisedRocAucLower = table.Column<double>(type: "double precision", nullable: true),
                    RealisedRocAucUpper = table.Column<double>(type: "double precision", nullable: true),
                    EstimationCalibrated = table.Column<bool>(type: "boolean", nullable: true),
                    EstimationScores = table.Column<int>(type: "integer", nullable: false),
                    EstimationNote = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualityResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QualityResults_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_QualityResults_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReferenceColumns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DatasetId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Ordinal = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    Missing = table.Column<long>(type: "bigint", nullable: false),
                    Min = table.Column<double>(type: "double precision", nullable: true),
                    Max = table.Column<double>(type: "double precision", nullable: true),
                    Mean = table.Column<double>(type: "double precision", nullable: true),
                    Sketch = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferenceColumns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferenceColumns_ReferenceDatasets_DatasetId",
                        column: x => x.DatasetId,
                        principalTable: "ReferenceDatasets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: true),
                    Metric = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Feature = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Comparator = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    WindowSeconds = table.Column<int>(type: "integer", nullable: false),
                    ForSeconds = table.Column<int>(type: "integer", nullable: false),
                    KeepFiringForSeconds = table.Column<int>(type: "integer", nullable: false),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    LabelsJson = table.Column<string>(type: "text", nullable: false),
                    RepeatIntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    RunbookId = table.Column<int>(type: "integer", nullable: true),
                    ChannelIdsJson = table.Column<string>(type: "text", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    NoData = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SloId = table.Column<int>(type: "integer", nullable: true),
                    SloAlert = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Description = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertRules_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AlertRules_Runbooks_RunbookId",
                        column: x => x.RunbookId,
                        principalTable: "Runbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_AlertRules_SloDefinitions_SloId",
                        column: x => x.SloId,
                        principalTable: "SloDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SloSliRecords",
                columns: table => new
                {
                    SloId = table.Column<int>(type: "integer", nullable: false),
                    MinuteMs = table.Column<long>(type: "bigint", nullable: false),
                    Window = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Good = table.Column<long>(type: "bigint", nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SloSliRecords", x => new { x.SloId, x.Window, x.MinuteMs });
                    table.ForeignKey(
                        name: "FK_SloSliRecords_SloDefinitions_SloId",
                        column: x => x.SloId,
                        principalTable: "SloDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SloStatuses",
                columns: table => new
                {
                    SloId = table.Column<int>(type: "integer", nullable: false),
                    EvaluatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompliancePercent = table.Column<double>(type: "double precision", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    BudgetRemaining = table.Column<double>(type: "double precision", nullable: true),
                    BurnRatesJson = table.Column<string>(type: "text", nullable: false),
                    AlertsJson = table.Column<string>(type: "text", nullable: false),
                    BurnDownJson = table.Column<string>(type: "text", nullable: false),
                    GoodEvents = table.Column<long>(type: "bigint", nullable: false),
                    TotalEvents = table.Column<long>(type: "bigint", nullable: false),
                    CoveredFraction = table.Column<double>(type: "double precision", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SloStatuses", x => x.SloId);
                    table.ForeignKey(
                        name: "FK_SloStatuses_SloDefinitions_SloId",
                        column: x => x.SloId,
                        principalTable: "SloDefinitions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NotificationAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NotificationId = table.Column<long>(type: "bigint", nullable: false),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DurationMs = table.Column<double>(type: "double precision", nullable: false),
                    Success = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationAttempts_AlertNotifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "AlertNotifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DriftFeatureResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DriftRunId = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Feature = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Test = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: true),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    Drifted = table.Column<bool>(type: "boolean", nullable: false),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Importance = table.Column<double>(type: "double precision", nullable: false),
                    ResultsJson = table.Column<string>(type: "text", nullable: false),
                    ReferenceCount = table.Column<long>(type: "bigint", nullable: false),
                    CurrentCount = table.Column<long>(type: "bigint", nullable: false),
                    CurrentMissing = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: true),
                    AdjustedPValue = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftFeatureResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftFeatureResults_DriftRuns_DriftRunId",
                        column: x => x.DriftRunId,
                        principalTable: "DriftRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReferenceChunks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ColumnId = table.Column<long>(type: "bigint", nullable: false),
                    ChunkIndex = table.Column<int>(type: "integer", nullable: false),
                    RowCount = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferenceChunks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferenceChunks_ReferenceColumns_ColumnId",
                        column: x => x.ColumnId,
                        principalTable: "ReferenceColumns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RuleId = table.Column<int>(type: "integer", nullable: false),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LabelsJson = table.Column<string>(type: "text", nullable: false),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ActiveAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FiredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClearedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastEvaluatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastValue = table.Column<double>(type: "double precision", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    SuppressedReason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Alerts_AlertRules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "AlertRules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Alerts_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertAcknowledgements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertAcknowledgements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertAcknowledgements_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlertStateChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    From = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Value = table.Column<double>(type: "double precision", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertStateChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertStateChanges_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RcaFindings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PrimaryCause = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Confidence = table.Column<double>(type: "double precision", nullable: false),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    CandidatesJson = table.Column<string>(type: "text", nullable: false),
                    TimelineJson = table.Column<string>(type: "text", nullable: false),
                    ChecksJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RcaFindings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RcaFindings_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AlertAcknowledgements_AlertId_At",
                table: "AlertAcknowledgements",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AlertNotifications_ChannelId_CreatedAt",
                table: "AlertNotifications",
                columns: new[] { "ChannelId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AlertRules_ModelId",
                table: "AlertRules",
                column: "ModelId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertRules_Name_Severity",
                table: "AlertRules",
                columns: new[] { "Name", "Severity" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertRules_RunbookId",
                table: "AlertRules",
                column: "RunbookId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertRules_SloId",
                table: "AlertRules",
                column: "SloId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertSilences_EndsAt",
                table: "AlertSilences",
                column: "EndsAt");

            migrationBuilder.CreateIndex(
                name: "IX_AlertStateChanges_AlertId_At",
                table: "AlertStateChanges",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_Fingerprint",
                table: "Alerts",
                column: "Fingerprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ModelId",
                table: "Alerts",
                column: "ModelId");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RuleId",
                table: "Alerts",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_State",
                table: "Alerts",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Prefix",
                table: "ApiKeys",
                column: "Prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Actor",
                table: "AuditEntries",
                column: "Actor");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_EntityType_EntityId",
                table: "AuditEntries",
                columns: new[] { "EntityType", "EntityId" });

            migrationBuilder.CreateIndex(
                name: "IX_ConfusionRollups_ModelId_MinuteMs",
                table: "ConfusionRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftFeatureResults_DriftRunId",
                table: "DriftFeatureResults",
                column: "DriftRunId");

            migrationBuilder.CreateIndex(
                name: "IX_DriftFeatureResults_ModelId_Feature_At",
                table: "DriftFeatureResults",
                columns: new[] { "ModelId", "Feature", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftRuns_JobRunId",
                table: "DriftRuns",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_DriftRuns_ModelId_At",
                table: "DriftRuns",
                columns: new[] { "ModelId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentAnalyses_ExperimentId_At",
                table: "ExperimentAnalyses",
                columns: new[] { "ExperimentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentAnalyses_JobRunId",
                table: "ExperimentAnalyses",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentArms_ExperimentId_Name",
                table: "ExperimentArms",
                columns: new[] { "ExperimentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentLifecycleEvents_ExperimentId_At",
                table: "ExperimentLifecycleEvents",
                columns: new[] { "ExperimentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentMetrics_ExperimentId_Name",
                table: "ExperimentMetrics",
                columns: new[] { "ExperimentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentObservations_ExperimentId_Metric_UnitId",
                table: "ExperimentObservations",
                columns: new[] { "ExperimentId", "Metric", "UnitId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ModelId_State",
                table: "Experiments",
                columns: new[] { "ModelId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessDisparityResults_JobRunId",
                table: "FairnessDisparityResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_FairnessDisparityResults_ModelId_Window_Attribute_At",
                table: "FairnessDisparityResults",
                columns: new[] { "ModelId", "Window", "Attribute", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessGroupResults_JobRunId",
                table: "FairnessGroupResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_FairnessGroupResults_ModelId_Window_Attribute_At",
                table: "FairnessGroupResults",
                columns: new[] { "ModelId", "Window", "Attribute", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_FeatureRollups_ModelId_MinuteMs",
                table: "FeatureRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_FeedbackLabels_ModelId_PredictionId",
                table: "FeedbackLabels",
                columns: new[] { "ModelId", "PredictionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FeedbackLabels_ModelId_TimestampMs",
                table: "FeedbackLabels",
                columns: new[] { "ModelId", "TimestampMs" });

            migrationBuilder.CreateIndex(
                name: "IX_JobRuns_ModelId_JobType_StartedAt",
                table: "JobRuns",
                columns: new[] { "ModelId", "JobType", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_JobRuns_StartedAt",
                table: "JobRuns",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ModelFeatures_ModelId_Name",
                table: "ModelFeatures",
                columns: new[] { "ModelId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_ModelId_Version",
                table: "ModelVersions",
                columns: new[] { "ModelId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Models_Name",
                table: "Models",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationAttempts_ChannelId_At",
                table: "NotificationAttempts",
                columns: new[] { "ChannelId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationAttempts_NotificationId",
                table: "NotificationAttempts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationChannels_Name",
                table: "NotificationChannels",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ChannelId_GroupKey",
                table: "NotificationGroups",
                columns: new[] { "ChannelId", "GroupKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ModelId",
                table: "NotificationGroups",
                column: "ModelId");

            migrationBuilder.CreateIndex(
                name: "IX_PossibleDriftEvents_ModelId_At",
                table: "PossibleDriftEvents",
                columns: new[] { "ModelId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionEvents_ModelId_PredictionId",
                table: "PredictionEvents",
                columns: new[] { "ModelId", "PredictionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PredictionEvents_ModelId_TimestampMs",
                table: "PredictionEvents",
                columns: new[] { "ModelId", "TimestampMs" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionHourRollups_ModelId_HourMs",
                table: "PredictionHourRollups",
                columns: new[] { "ModelId", "HourMs" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionRollups_ModelId_MinuteMs",
                table: "PredictionRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionedObjects_Kind_EntityKey",
                table: "ProvisionedObjects",
                columns: new[] { "Kind", "EntityKey" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisionedObjects_Kind_Name",
                table: "ProvisionedObjects",
                columns: new[] { "Kind", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QualityHourRollups_ModelId_HourMs",
                table: "QualityHourRollups",
                columns: new[] { "ModelId", "HourMs" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityResults_JobRunId",
                table: "QualityResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_QualityResults_ModelId_Window_Version_Segment_At",
                table: "QualityResults",
                columns: new[] { "ModelId", "Window", "Version", "Segment", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityRollups_ModelId_MinuteMs",
                table: "QualityRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_RcaFindings_AlertId_At",
                table: "RcaFindings",
                columns: new[] { "AlertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferenceChunks_ColumnId_ChunkIndex",
                table: "ReferenceChunks",
                columns: new[] { "ColumnId", "ChunkIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReferenceColumns_DatasetId_Name",
                table: "ReferenceColumns",
                columns: new[] { "DatasetId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReferenceDatasets_ModelId_Version",
                table: "ReferenceDatasets",
                columns: new[] { "ModelId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResourceRollups_ModelId_MinuteMs",
                table: "ResourceRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ResourceSamples_Host_TimestampMs",
                table: "ResourceSamples",
                columns: new[] { "Host", "TimestampMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ResourceSamples_TimestampMs",
                table: "ResourceSamples",
                column: "TimestampMs");

            migrationBuilder.CreateIndex(
                name: "IX_RunbookVersions_RunbookId_Version",
                table: "RunbookVersions",
                columns: new[] { "RunbookId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runbooks_Title",
                table: "Runbooks",
                column: "Title",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedDriftReports_ModelId_CreatedAt",
                table: "SavedDriftReports",
                columns: new[] { "ModelId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SloDefinitions_ModelId_Name",
                table: "SloDefinitions",
                columns: new[] { "ModelId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SloSliRecords_MinuteMs",
                table: "SloSliRecords",
                column: "MinuteMs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertAcknowledgements");

            migrationBuilder.DropTable(
                name: "AlertSilences");

            migrationBuilder.DropTable(
                name: "AlertStateChanges");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "ConfusionRollups");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "DriftFeatureResults");

            migrationBuilder.DropTable(
                name: "DriftSettings");

            migrationBuilder.DropTable(
                name: "ExperimentAnalyses");

            migrationBuilder.DropTable(
                name: "ExperimentArms");

            migrationBuilder.DropTable(
                name: "ExperimentLifecycleEvents");

            migrationBuilder.DropTable(
                name: "ExperimentMetrics");

            migrationBuilder.DropTable(
                name: "ExperimentObservations");

            migrationBuilder.DropTable(
                name: "FairnessDisparityResults");

            migrationBuilder.DropTable(
                name: "FairnessGroupResults");

            migrationBuilder.DropTable(
                name: "FairnessSettings");

            migrationBuilder.DropTable(
                name: "FeatureRollups");

            migrationBuilder.DropTable(
                name: "FeedbackLabels");

            migrationBuilder.DropTable(
                name: "ModelFeatures");

            migrationBuilder.DropTable(
                name: "ModelVersions");

            migrationBuilder.DropTable(
                name: "NotificationAttempts");

            migrationBuilder.DropTable(
                name: "NotificationGroups");

            migrationBuilder.DropTable(
                name: "PossibleDriftEvents");

            migrationBuilder.DropTable(
                name: "PredictionEvents");

            migrationBuilder.DropTable(
                name: "PredictionHourRollups");

            migrationBuilder.DropTable(
                name: "PredictionRollups");

            migrationBuilder.DropTable(
                name: "ProvisionedObjects");

            migrationBuilder.DropTable(
                name: "QualityHourRollups");

            migrationBuilder.DropTable(
                name: "QualityResults");

            migrationBuilder.DropTable(
                name: "QualityRollups");

            migrationBuilder.DropTable(
                name: "RcaFindings");

            migrationBuilder.DropTable(
                name: "ReferenceChunks");

            migrationBuilder.DropTable(
                name: "ResourceRollups");

            migrationBuilder.DropTable(
                name: "ResourceSamples");

            migrationBuilder.DropTable(
                name: "RunbookVersions");

            migrationBuilder.DropTable(
                name: "SavedDriftReports");

            migrationBuilder.DropTable(
                name: "SloSliRecords");

            migrationBuilder.DropTable(
                name: "SloStatuses");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "DriftRuns");

            migrationBuilder.DropTable(
                name: "Experiments");

            migrationBuilder.DropTable(
                name: "AlertNotifications");

            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "ReferenceColumns");

            migrationBuilder.DropTable(
                name: "JobRuns");

            migrationBuilder.DropTable(
                name: "NotificationChannels");

            migrationBuilder.DropTable(
                name: "AlertRules");

            migrationBuilder.DropTable(
                name: "ReferenceDatasets");

            migrationBuilder.DropTable(
                name: "Runbooks");

            migrationBuilder.DropTable(
                name: "SloDefinitions");

            migrationBuilder.DropTable(
                name: "Models");
        }
    }
}
