using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
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
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<long>(
                name: "GoodEvents",
                table: "SloStatuses",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "SloStatuses",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TotalEvents",
                table: "SloStatuses",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "DriftRuns",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SchemaViolations",
                table: "DriftRuns",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "CurrentCount",
                table: "DriftFeatureResults",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "CurrentMissing",
                table: "DriftFeatureResults",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "DriftFeatureResults",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReferenceCount",
                table: "DriftFeatureResults",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

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
                    LabelDelayP95Ms = table.Column<double>(type: "double precision", nullable: true)
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
