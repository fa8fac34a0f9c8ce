namespace FaceMask.Training.Data;

/// <summary>The three parts of a split, in folder-name order of use.</summary>
public enum SplitPart
{
    Train,
    Val,
    Test,
}
