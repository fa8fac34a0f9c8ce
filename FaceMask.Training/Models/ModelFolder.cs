using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Keras;

namespace FaceMask.Training.Models;

/// <summary>
/// A model version on disk: <c>model.h5</c>, <c>metadata.json</c>, <c>metrics.json</c> (the
/// evaluate report on its test split) and whatever else the writer adds (plots, history). Saving
/// builds the folder beside the target and renames it into place, so a crash never leaves a
/// half-written model where a server would look for one.
/// </summary>
public sealed record ModelFolder(string Path, KerasModel Model, ModelMetadata Metadata, ClassificationReport? Metrics)
{
    public const string ModelFile = "model.h5";
    public const string MetricsFile = "metrics.json";

    /// <summary>Loads and cross-checks a model folder.</summary>
    /// <exception cref="InvalidDataException">Something is missing or inconsistent; the message says what.</exception>
    public static ModelFolder Load(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"Model folder '{path}' does not exist.");
        }

        var metadataPath = System.IO.Path.Combine(path, ModelMetadata.FileName);
        var modelPath = System.IO.Path.Combine(path, ModelFile);
        foreach (var required in new[] { metadataPath, modelPath })
        {
            if (!File.Exists(required))
            {
                throw new InvalidDataException($"Model folder '{path}' has no {System.IO.Path.GetFileName(required)}.");
            }
        }

        var metadata = Json.Deserialize<ModelMetadata>(File.ReadAllText(metadataPath));
        var model = KerasH5.Read(modelPath);
        var input = model.Spec.InputShape;
        var channels = metadata.ToPreprocessing().Channels;
        if (!input.IsImage || input.Height != metadata.InputSize[0] || input.Width != metadata.InputSize[1] || input.Channels != channels)
        {
            throw new InvalidDataException($"metadata.json says input {string.Join("x", metadata.InputSize)}x{channels} ({metadata.Preprocessing.ColorOrder}), but model.h5 takes {input}.");
        }

        if (model.Spec.OutputShape.Elements != metadata.Classes.Count)
        {
            throw new InvalidDataException($"metadata.json lists {metadata.Classes.Count} classes, but model.h5 has {model.Spec.OutputShape.Elements} outputs.");
        }

        var metricsPath = System.IO.Path.Combine(path, MetricsFile);
        var metrics = File.Exists(metricsPath) ? Json.Deserialize<ClassificationReport>(File.ReadAllText(metricsPath)) : null;
        return new ModelFolder(path, model, metadata, metrics);
    }

    /// <summary>
    /// Writes a model folder atomically. <paramref name="extras"/> writes further files (plots,
    /// history) into the staging folder before it is moved into place.
    /// </summary>
    public static void Save(string path, KerasModel model, ModelMetadata metadata, ClassificationReport? metrics, bool overwrite, Action<string>? extras = null)
    {
        var target = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(target) && !overwrite)
        {
            throw new ArgumentException($"Model folder '{path}' already exists; choose another name or allow overwriting.");
        }

        var parent = System.IO.Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
        var retired = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(target)}.previous-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            KerasH5.Write(model, System.IO.Path.Combine(staging, ModelFile));
            File.WriteAllText(System.IO.Path.Combine(staging, ModelMetadata.FileName), Json.Serialize(metadata));
            if (metrics is not null)
            {
                File.WriteAllText(System.IO.Path.Combine(staging, MetricsFile), Json.Serialize(metrics));
            }

            extras?.Invoke(staging);
            if (Directory.Exists(target))
            {
                Directory.Move(target, retired);
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                if (Directory.Exists(retired))
                {
                    Directory.Move(retired, target); // put the previous version back
                }

                throw;
            }
        }
        finally
        {
            foreach (var leftover in new[] { staging, retired })
            {
                if (Directory.Exists(leftover))
                {
                    Directory.Delete(leftover, recursive: true);
                }
            }
        }
    }
}
