using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Errors;

/// <summary>Outcomes as typed HTTP results: the value as 200, the error as its ProblemDetails.</summary>
public static class OutcomeResults
{
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Outcome<T> outcome) =>
        outcome.Error is { } error ? error.ToProblem() : TypedResults.Ok(outcome.Value!);
}
