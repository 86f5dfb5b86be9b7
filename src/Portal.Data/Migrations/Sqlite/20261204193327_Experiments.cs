using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnalysisMode",
                table: "Experiments",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "GroupSequential");

            migrationBuilder.AddColumn<string>(
                name: "Correction",
                table: "Experiments",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Holm");

            migrationBuilder.AddColumn<double>(
                name: "SequentialTuningParameter",
                table: "Experiments",
                type: "REAL",
                nullable: false,
                defaultValue: 5000.0);

            migrationBuilder.AddColumn<double>(
                name: "CapPercentile",
                table: "ExperimentMetrics",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Margin",
                table: "ExperimentMetrics",
                type: "REAL",
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
