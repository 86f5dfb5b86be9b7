using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SloAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ChannelIdsJson",
                table: "SloDefinitions",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "PageSeverity",
                table: "SloDefinitions",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Critical");

            migrationBuilder.AddColumn<string>(
                name: "TicketSeverity",
                table: "SloDefinitions",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Warning");

            migrationBuilder.AddColumn<string>(
                name: "NoData",
                table: "AlertRules",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Resolve");

            migrationBuilder.AddColumn<string>(
                name: "SloAlert",
                table: "AlertRules",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SloId",
                table: "AlertRules",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SloSliRecords",
                columns: table => new
                {
                    SloId = table.Column<int>(type: "INTEGER", nullable: false),
                    MinuteMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Good = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "IX_AlertRules_SloId",
                table: "AlertRules",
                column: "SloId");

            migrationBuilder.CreateIndex(
                name: "IX_SloSliRecords_MinuteMs",
                table: "SloSliRecords",
                column: "MinuteMs");

            migrationBuilder.AddForeignKey(
                name: "FK_AlertRules_SloDefinitions_SloId",
                table: "AlertRules",
                column: "SloId",
                principalTable: "SloDefinitions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AlertRules_SloDefinitions_SloId",
                table: "AlertRules");

            migrationBuilder.DropTable(
                name: "SloSliRecords");

            migrationBuilder.DropIndex(
                name: "IX_AlertRules_SloId",
                table: "AlertRules");

            migrationBuilder.DropColumn(
                name: "ChannelIdsJson",
                table: "SloDefinitions");

            migrationBuilder.DropColumn(
                name: "PageSeverity",
                table: "SloDefinitions");

            migrationBuilder.DropColumn(
                name: "TicketSeverity",
                table: "SloDefinitions");

            migrationBuilder.DropColumn(
                name: "NoData",
                table: "AlertRules");

            migrationBuilder.DropColumn(
                name: "SloAlert",
                table: "AlertRules");

            migrationBuilder.DropColumn(
                name: "SloId",
                table: "AlertRules");
        }
    }
}
