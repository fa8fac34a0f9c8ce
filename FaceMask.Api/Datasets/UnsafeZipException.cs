namespace FaceMask.Api.Datasets;

/// <summary>A zip that is refused as a whole: nothing from it is added.</summary>
public sealed class UnsafeZipException(string message) : Exception(message);
