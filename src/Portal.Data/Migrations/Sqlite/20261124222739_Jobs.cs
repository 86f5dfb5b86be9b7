using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "CoveredFraction",
                table: "SloStatuses",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<long>(
                name: "GoodEvents",
                table: "SloStatuses",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "SloStatuses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TotalEvents",
                table: "SloStatuses",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "DriftRuns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SchemaViolations",
                table: "DriftRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "CurrentCount",
                table: "DriftFeatureResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "CurrentMissing",
                table: "DriftFeatureResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "DriftFeatureResults",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReferenceCount",
                table: "DriftFeatureResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "DriftSettings",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Cron = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FixedStart = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FixedEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DriftShare = table.Column<double>(type: "REAL", nullable: false),
                    MinSampleSize = table.Column<int>(type: "INTEGER", nullable: false),
                    FeaturesJson = table.Column<string>(type: "TEXT", nullable: false),
                    SeverityJson = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "QualityResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobRunId = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Segment = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Labelled = table.Column<long>(type: "INTEGER", nullable: false),
                    SampleSize = table.Column<int>(type: "INTEGER", nullable: false),
                    Accuracy = table.Column<double>(type: "REAL", nullable: true),
                    Precision = table.Column<double>(type: "REAL", nullable: true),
                    Recall = table.Column<double>(type: "REAL", nullable: true),
                    F1 = table.Column<double>(type: "REAL", nullable: true),
                    RocAuc = table.Column<double>(type: "REAL", nullable: true),
                    LogLoss = table.Column<double>(type: "REAL", nullable: true),
                    Mae = table.Column<double>(type: "REAL", nullable: true),
                    Rmse = table.Column<double>(type: "REAL", nullable: true),
                    R2 = table.Column<double>(type: "REAL", nullable: true),
                    Mape = table.Column<double>(type: "REAL", nullable: true),
                    LabelDelayP50Ms = table.Column<double>(type: "REAL", nullable: true),
                    LabelDelayP95Ms = table.Column<double>(type: "REAL", nullable: true)
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

            migrationBuilder.CreateIndex(
                name: "IX_QualityResults_JobRunId",
                table: "QualityResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_QualityResults_ModelId_Window_Version_Segment_At",
                table: "QualityResults",
                columns: new[] { "ModelId", "Window", "Version", "Segment", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftSettings");

            migrationBuilder.DropTable(
                name: "QualityResults");

            migrationBuilder.DropColumn(
                name: "CoveredFraction",
                table: "SloStatuses");

            migrationBuilder.DropColumn(
                name: "GoodEvents",
                table: "SloStatuses");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "SloStatuses");

            migrationBuilder.DropColumn(
                name: "TotalEvents",
                table: "SloStatuses");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "SchemaViolations",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "CurrentCount",
                table: "DriftFeatureResults");

            migrationBuilder.DropColumn(
                name: "CurrentMissing",
                table: "DriftFeatureResults");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "DriftFeatureResults");

            migrationBuilder.DropColumn(
                name: "ReferenceCount",
                table: "DriftFeatureResults");
        }
    }
}
