using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Multivariate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "BenjaminiHochberg",
                table: "DriftSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "BenjaminiHochberg",
                table: "DriftRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "MmdDrift",
                table: "DriftRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MmdPValue",
                table: "DriftRuns",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "MmdStatistic",
                table: "DriftRuns",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MultivariateMessage",
                table: "DriftRuns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PcaBandLower",
                table: "DriftRuns",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PcaBandUpper",
                table: "DriftRuns",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PcaComponents",
                table: "DriftRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PcaDrift",
                table: "DriftRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PcaReconstructionError",
                table: "DriftRuns",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "AdjustedPValue",
                table: "DriftFeatureResults",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BenjaminiHochberg",
                table: "DriftSettings");

            migrationBuilder.DropColumn(
                name: "BenjaminiHochberg",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "MmdDrift",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "MmdPValue",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "MmdStatistic",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "MultivariateMessage",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "PcaBandLower",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "PcaBandUpper",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "PcaComponents",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "PcaDrift",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "PcaReconstructionError",
                table: "DriftRuns");

            migrationBuilder.DropColumn(
                name: "AdjustedPValue",
                table: "DriftFeatureResults");
        }
    }
}
