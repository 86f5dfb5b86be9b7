using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Dashboards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateIndex(
                name: "IX_ConfusionRollups_ModelId_MinuteMs",
                table: "ConfusionRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionHourRollups_ModelId_HourMs",
                table: "PredictionHourRollups",
                columns: new[] { "ModelId", "HourMs" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityHourRollups_ModelId_HourMs",
                table: "QualityHourRollups",
                columns: new[] { "ModelId", "HourMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConfusionRollups");

            migrationBuilder.DropTable(
                name: "PredictionHourRollups");

            migrationBuilder.DropTable(
                name: "QualityHourRollups");
        }
    }
}
