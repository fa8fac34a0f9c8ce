using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using FaceMask.Training.Learning;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace FaceMask.Tests.Architecture;

/// <summary>
/// Dependencies run one way: the service uses the library, never the reverse; inside each project no
/// two folders (namespaces) depend on each other, directly or through others.
/// </summary>
public class DependencyTests
{
    private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader()
        .LoadAssemblies(typeof(Trainer).Assembly, typeof(Program).Assembly)
        .Build();

    [Fact]
    public void The_library_folders_form_no_cycle() =>
        Slices().Matching("FaceMask.Training.(*)..").Should().BeFreeOfCycles().Check(Code);

    [Fact]
    public void The_service_folders_form_no_cycle() =>
        Slices().Matching("FaceMask.Api.(*)..").Should().BeFreeOfCycles().Check(Code);

    [Fact]
    public void The_library_knows_nothing_of_the_service_or_the_web() =>
        Types().That().ResideInNamespaceMatching(@"^FaceMask\.Training(\..*)?$")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^(FaceMask\.Api|Microsoft\.AspNetCore|Hangfire)(\..*)?$")
            .Check(Code);

    [Fact]
    public void The_service_uses_the_library_through_its_public_surface_not_its_command_line() =>
        Types().That().ResideInNamespaceMatching(@"^FaceMask\.Api(\..*)?$")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^FaceMask\.Training(\..*)?$").And().AreNotPublic().As("the library's internal types"))
            .AndShould().NotDependOnAny(Types().That().ResideInNamespace("FaceMask.Training.Cli").As("the library's command line"))
            .Check(Code);
}
