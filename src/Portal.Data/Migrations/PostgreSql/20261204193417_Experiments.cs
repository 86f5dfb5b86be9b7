using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Experiments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExperimentUnit",
                table: "PredictionEvents",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnalysisMode",
                table: "Experiments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "GroupSequential");

            migrationBuilder.AddColumn<string>(
                name: "Correction",
                table: "Experiments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Holm");

            migrationBuilder.AddColumn<double>(
                name: "SequentialTuningParameter",
                table: "Experiments",
                type: "double precision",
                nullable: false,
                defaultValue: 5000.0);

            migrationBuilder.AddColumn<double>(
                name: "CapPercentile",
                table: "ExperimentMetrics",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Margin",
                table: "ExperimentMetrics",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExperimentUnit",
                table: "PredictionEvents");

            migrationBuilder.DropColumn(
                name: "AnalysisMode",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "Correction",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "SequentialTuningParameter",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "CapPercentile",
                table: "ExperimentMetrics");

            migrationBuilder.DropColumn(
                name: "Margin",
                table: "ExperimentMetrics");
        }
    }
}
