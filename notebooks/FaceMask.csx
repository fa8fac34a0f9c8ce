// Loaded first by every notebook (#load "FaceMask.csx"): the project's built library and the native
// libraries beside it. Build it first: dotnet build -c Release FaceMask.Training (from the repository).
#r "../FaceMask.Training/bin/Release/net10.0/linux-x64/FaceMask.Training.dll"
#nullable enable

using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

// The kernel is the host process, so .NET looks for the native libraries of OpenCvSharp, ONNX Runtime
// and SkiaSharp (ScottPlot's renderer) in the kernel's folders and finds nothing: send those failed
// lookups to the library's build output. (TorchSharp finds libtorch beside its own assembly.)
var FaceMaskBin = Path.GetDirectoryName(typeof(FaceMask.Training.Synthetic.SyntheticFaces).Assembly.Location)!;
var RepositoryRoot = Path.GetFullPath(Path.Combine(FaceMaskBin, "../../../../.."));
foreach (var context in new[] { typeof(OpenCvSharp.Mat), typeof(Microsoft.ML.OnnxRuntime.InferenceSession), typeof(SkiaSharp.SKBitmap), typeof(HarfBuzzSharp.Buffer) }
    .Select(type => type.Assembly)
    .Select(AssemblyLoadContext.GetLoadContext).Append(AssemblyLoadContext.Default).OfType<AssemblyLoadContext>().Distinct())
{
    context.ResolvingUnmanagedDll += (Assembly _, string name) =>
    {
        var file = Path.Combine(FaceMaskBin, name.StartsWith("lib") ? $"{name}.so" : $"lib{name}.so");
        return File.Exists(file) ? NativeLibrary.Load(file) : IntPtr.Zero;
    };
}

// Plots and image grids are PNG files shown inline (the saved notebook keeps them as data: URLs).
static string PngTag(byte[] png, int width = 0) =>
    $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"{(width > 0 ? $" width=\"{width}\"" : "")} />";
static string PngTag(string path, int width = 0) => PngTag(File.ReadAllBytes(path), width);
static string PngTag(OpenCvSharp.Mat image, int width = 0) => PngTag(image.ImEncode(".png"), width);

// Scratch space of this kernel, removed by the operating system's /tmp cleaning.
var Scratch = Directory.CreateTempSubdirectory("facemask-notebook-").FullName;

// The faces the notebooks look at: the public dataset beside the repository (../shared/datasets/facemask,
// see the README) when present, otherwise drawn faces (so every notebook runs anywhere).
var PublicDataset = Path.GetFullPath(Path.Combine(RepositoryRoot, "../shared/datasets/facemask"));
string DatasetFolder()
{
    if (Directory.Exists(PublicDataset))
    {
        return PublicDataset;
    }
    var drawn = Path.Combine(Scratch, "drawn");
    FaceMask.Training.Synthetic.SyntheticFaces.WriteDataset(drawn, perClass: 150, seed: 7);
    return drawn;
}

var BlazeFacePath = Path.Combine(RepositoryRoot, "models/blazeface/face_detection_front_128x128_barracuda.onnx");

// Rows (records or anonymous objects) as one HTML table: a column per property.
static string HtmlTable<T>(IEnumerable<T> rows)
{
    var properties = typeof(T).GetProperties();
    string Cell(object? value) => System.Net.WebUtility.HtmlEncode(value switch
    {
        double d => d.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    });
    var header = string.Concat(properties.Select(p => $"<th>{System.Net.WebUtility.HtmlEncode(p.Name)}</th>"));
    var body = string.Concat(rows.Select(row => "<tr>" + string.Concat(properties.Select(p => $"<td>{Cell(p.GetValue(row))}</td>")) + "</tr>"));
    return $"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>";
}

// Shows HTML in the cell's output (one place that touches the kernel's HTML type).
void ShowHtml(string html) => Microsoft.DotNet.Interactive.Kernel.display(Microsoft.DotNet.Interactive.Kernel.HTML(html));
void ShowPng(string path, int width = 0) => ShowHtml(PngTag(path, width));
void ShowTable<T>(IEnumerable<T> rows) => ShowHtml(HtmlTable(rows));
