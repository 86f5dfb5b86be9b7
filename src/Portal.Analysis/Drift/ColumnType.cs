namespace Portal.Analysis.Drift;

public enum ColumnType
{
    Numerical,
    Categorical,
}
