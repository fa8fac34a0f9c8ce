using System.Net;
using System.Security.Cryptography;
using System.Text;
using FaceMask.Api.Errors;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Security;

public enum AdminDecision
{
    Allowed,
    MissingKey,
    WrongKey,
    NotLoopback,
}
