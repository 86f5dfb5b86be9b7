using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Authz : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ScopeKind",
                table: "ApiKeys",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Model");

            // Keys made before the scope kind existed: "admin" meant an admin key.
            migrationBuilder.Sql("UPDATE \"ApiKeys\" SET \"ScopeKind\" = 'Admin' WHERE \"Scope\" = 'admin'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ScopeKind",
                table: "ApiKeys");
        }
    }
}
