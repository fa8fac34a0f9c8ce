namespace FaceMask.Api.Security;

public enum AdminDecision
{
    Allowed,
    MissingKey,
    WrongKey,
    NotLoopback,
}
