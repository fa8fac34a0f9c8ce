namespace FaceMask.Api.Infrastructure;

/// <summary>A secret file the service cannot read; its message says which and what to do.</summary>
public sealed class SecretFileException(string message) : Exception(message);
