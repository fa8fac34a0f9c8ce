namespace FaceMask.Training.Data;

/// <summary>One image of a reference set version: its class, content hash and file below the set's root.</summary>
public sealed record ReferenceImage(string Class, string Sha256, string File);
