namespace FaceMask.Api.Inference;

/// <summary>One uploaded image as the service handles it: its name, declared content type and bytes.</summary>
public sealed record ImageUpload(string FileName, string? ContentType, byte[] Bytes)
{
    public static async Task<ImageUpload> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        return new ImageUpload(file.FileName, file.ContentType, bytes);
    }
}
