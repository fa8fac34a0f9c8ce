using Microsoft.OpenApi;

namespace FaceMask.Api.Infrastructure;

/// <summary>
/// Endpoint metadata: the route reads a multipart form itself (to control limits and errors), so
/// the OpenAPI generator cannot see its body; this declares it, and <see cref="DocumentAsync"/>
/// writes it into the document, so Scalar's "Test request" can send files.
/// </summary>
public sealed record MultipartBody(IReadOnlyList<MultipartField> Fields)
{
    /// <summary>An OpenAPI operation transformer: a <c>multipart/form-data</c> request body for routes that carry this metadata.</summary>
    public static Task DocumentAsync(OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<MultipartBody>().LastOrDefault() is not { } body)
        {
            return Task.CompletedTask;
        }

        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = body.Fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)Describe(f)),
            Required = body.Fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Fields.Any(f => f.Required),
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Describe(MultipartField field)
    {
        var file = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = field.Description };
        return field.Kind switch
        {
            MultipartFieldKind.File => file,
            MultipartFieldKind.Files => new OpenApiSchema { Type = JsonSchemaType.Array, Items = file, Description = field.Description },
            _ => new OpenApiSchema { Type = JsonSchemaType.String, Description = field.Description },
        };
    }
}
