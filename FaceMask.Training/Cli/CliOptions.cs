using System.CommandLine;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;

namespace FaceMask.Training.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<string[]> Data(string description) => new("--data")
    {
        Description = description,
        Required = true,
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The model the service serves by default (appsettings.json's <c>Model:Path</c>), relative to the repository root.</summary>
    public const string DefaultModel = "models/facemask-v2";

    /// <summary>A model folder to read, by default the one the service serves, so a command and the service agree unless told otherwise.</summary>
    public static Option<string> Model(string description = "Model folder.") => new("--model")
    {
        Description = $"{description} By default the one the service serves.",
        DefaultValueFactory = _ => DefaultModel,
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed; the same seed gives the same result.",
        DefaultValueFactory = _ => 42,
    };

    /// <summary>The models folder; the face detectors are read from its <c>yunet/</c> and <c>blazeface/</c> folders.</summary>
    public static Option<string> Models() => new("--models")
    {
        Description = "Models folder holding yunet/ and blazeface/ (the face detectors).",
        DefaultValueFactory = _ => "models",
    };

    /// <summary>The smallest face a detection searches for; the cost of a photo grows with the square of its inverse.</summary>
    public static Option<int> MinFace() => new("--min-face")
    {
        Description = "Smallest face searched for, in pixels (8 to 4096; smaller is slower).",
        DefaultValueFactory = _ => 16,
        Validators = { r => Require(r, r.GetValueOrDefault<int>() is >= 8 and <= 4096, "--min-face must be between 8 and 4096 pixels.") },
    };

    /// <summary>The detector's least confidence kept; unset, the detector's calibrated default.</summary>
    public static Option<float?> MinScore() => new("--min-score")
    {
        Description = "Least detector confidence kept (0..1; default: the detector's calibrated one, docs/detection.md).",
        Validators = { r => Require(r, r.GetValueOrDefault<float?>() is null or (> 0 and < 1), "--min-score must be between 0 and 1.") },
    };

    /// <summary>Below which calibrated confidence a verdict is flagged uncertain (the service's <c>Inference:UncertainBelow</c>).</summary>
    public static Option<double> UncertainBelow() => new("--uncertain-below")
    {
        Description = "A verdict whose confidence is below this is flagged \"uncertain\" (0..1).",
        DefaultValueFactory = _ => Uncertainty.DefaultBelow,
        Validators = { r => Require(r, r.GetValueOrDefault<double>() is >= 0 and <= 1, "--uncertain-below must be between 0 and 1.") },
    };

    /// <summary>Which face detector finds the faces of a photo.</summary>
    public static Option<string> Detector() => new("--detector")
    {
        Description = $"Face detector: {string.Join(" or ", FaceFinders.Names)} (from --models), or a YuNet .onnx file.",
        DefaultValueFactory = _ => FaceFinders.YuNet,
    };

    /// <summary>The longer side a photo is resized to for YuNet's one pass.</summary>
    public static Option<int> WorkingSide() => new("--working-side")
    {
        Description = "YuNet: the photo's longer side is resized to this many pixels for its one pass (64 to 4096; larger finds smaller faces, slower).",
        DefaultValueFactory = _ => 640,
        Validators = { r => Require(r, r.GetValueOrDefault<int>() is >= 64 and <= 4096, "--working-side must be between 64 and 4096 pixels.") },
    };

    /// <summary>The face detector the options name, from the models folder.</summary>
    public static IFaceFinder OpenFinder(ParseResult parse, Option<string> models, Option<string> detector, Option<int> workingSide, Option<float?> minScore) =>
        FaceFinders.Open(parse.GetValue(models)!, parse.GetValue(detector)!, parse.GetValue(workingSide), parse.GetValue(minScore));

    /// <summary>The vendored detector, or null with a warning when it is absent: painting then uses the aligned-portrait fallback.</summary>
    public static BlazeFaceDetector? OpenDetector(string modelsDirectory) =>
        DetectorPath(modelsDirectory) is { } path ? new BlazeFaceDetector(path) : null;

    /// <summary>The detector's file under the models folder, or null with a warning when it is absent.</summary>
    public static string? DetectorPath(string modelsDirectory)
    {
        var path = Path.Combine(modelsDirectory, "blazeface", BlazeFaceDetector.FrontModelFile);
        if (File.Exists(path))
        {
            return path;
        }

        Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] no face detector at {path}; faces get the aligned-portrait geometry.");
        return null;
    }

    public static void Require(System.CommandLine.Parsing.OptionResult result, bool condition, string error)
    {
        if (!condition)
        {
            result.AddError(error);
        }
    }

    /// <summary>The near-duplicate thresholds most worth tuning, as options; the rest keep their measured defaults.</summary>
    public sealed class NearDuplicates
    {
        private static readonly NearDuplicateSettings Defaults = new();

        public Option<int> MaxHashDistance { get; } = new("--max-hash-distance")
        {
            Description = "Perceptual hashes (64 bits) at most this many bits apart are near-duplicates.",
            DefaultValueFactory = _ => Defaults.MaxHashDistance,
            Validators = { r => Require(r, r.GetValueOrDefault<int>() is >= 0 and <= 64, "--max-hash-distance must be between 0 and 64.") },
        };

        public Option<float> AlignedCorrelation { get; } = new("--aligned-correlation")
        {
            Description = "Candidates whose aligned 48x48 patches correlate at least this well are near-duplicates (0..1).",
            DefaultValueFactory = _ => Defaults.AlignedCorrelation,
            Validators = { r => Require(r, r.GetValueOrDefault<float>() is >= 0 and <= 1, "--aligned-correlation must be between 0 and 1.") },
        };

        public IEnumerable<Option> All => [MaxHashDistance, AlignedCorrelation];

        public NearDuplicateSettings Read(ParseResult parse) => Defaults with
        {
            MaxHashDistance = parse.GetValue(MaxHashDistance),
            AlignedCorrelation = parse.GetValue(AlignedCorrelation),
        };
    }
}
