using FaceMask.Training.Models;

namespace FaceMask.Api.Registry;

/// <summary>Registered model folders read back for judging.</summary>
public static class ModelFolders
{
    /// <summary>
    /// The model folder at <paramref name="path"/>, or null when there is none or it cannot be read
    /// (logged: a corrupt active model is worth an operator's attention, even when the work goes on without it).
    /// </summary>
    /// <param name="without">What goes on without it, for the log ("the retrain", "the upload's judgement").</param>
    public static ModelFolder? TryLoad(string path, ILogger logger, string without)
    {
        try
        {
            return Directory.Exists(path) ? ModelFolder.Load(path) : null;
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning(e, "The model folder {Path} cannot be read; {Work} goes on without it", path, without);
            return null;
        }
    }
}
