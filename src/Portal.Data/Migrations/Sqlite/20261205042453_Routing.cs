using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Routing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NotificationGroups_ChannelId_ModelId_Severity",
                table: "NotificationGroups");

            migrationBuilder.DropColumn(
                name: "Severity",
                table: "NotificationGroups");

            migrationBuilder.AlterColumn<int>(
                name: "ModelId",
                table: "NotificationGroups",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "GroupKey",
                table: "NotificationGroups",
                type: "TEXT",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ChannelId_GroupKey",
                table: "NotificationGroups",
                columns: new[] { "ChannelId", "GroupKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NotificationGroups_ChannelId_GroupKey",
                table: "NotificationGroups");

            migrationBuilder.DropColumn(
                name: "GroupKey",
                table: "NotificationGroups");

            migrationBuilder.AlterColumn<int>(
                name: "ModelId",
                table: "NotificationGroups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Severity",
                table: "NotificationGroups",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ChannelId_ModelId_Severity",
                table: "NotificationGroups",
                columns: new[] { "ChannelId", "ModelId", "Severity" },
                unique: true);
        }
    }
}
