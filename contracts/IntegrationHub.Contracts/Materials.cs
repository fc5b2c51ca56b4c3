namespace IntegrationHub.Contracts;

/// <summary>The answer to <c>POST /api/v1/materials</c>: the material is stored (encrypted) and can be named in an application or a supplement.</summary>
/// <param name="MaterialId">The hub's id of the material: what <c>materials[].materialId</c> takes.</param>
/// <param name="Code">The catalog's material code it was uploaded for.</param>
/// <param name="MediaType">The type its bytes are: <c>image/jpeg</c>, <c>image/png</c> or <c>application/pdf</c>.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of its bytes.</param>
public sealed record MaterialAccepted(string MaterialId, string Code, string MediaType, long Size, string Sha256);

/// <summary>A material named in an application or a supplement.</summary>
/// <param name="Code">The catalog's material code (see the item's <c>materials</c>).</param>
/// <param name="MaterialId">The id <c>POST /api/v1/materials</c> answered.</param>
public sealed record MaterialInput(string Code, string MaterialId);

/// <summary>The body of <c>POST /api/v1/applications/{id}/supplements</c>: the resident's answer to a department's 补正.</summary>
/// <param name="Note">The resident's note to the department (1-200 characters).</param>
/// <param name="Materials">Every material the department asked for (and any other the item takes), already uploaded.</param>
public sealed record SubmitSupplement(string Note, IReadOnlyList<MaterialInput>? Materials);

/// <summary>The body of <c>POST /api/v1/applications/{id}/withdrawal</c>: the resident's 撤回.</summary>
/// <param name="Reason">Why the resident withdraws (1-200 characters).</param>
public sealed record SubmitWithdrawal(string Reason);

/// <summary>A material an application carries, as its status shows it: never its content.</summary>
/// <param name="Code">The catalog's material code.</param>
/// <param name="Name">Its Chinese name in the item's guide.</param>
/// <param name="MediaType">The type of its bytes.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Supplement">True when it came with the supplement.</param>
/// <param name="Delivered">True once the department holds it.</param>
public sealed record MaterialView(string Code, string Name, string MediaType, long Size, bool Supplement, bool Delivered);

/// <summary>What a department's 补正 asks for, in the resident's terms.</summary>
/// <param name="Materials">The materials wanted: code and the Chinese name from the catalog.</param>
/// <param name="Note">The department's note (its 补正 text).</param>
/// <param name="Answered">Whether the resident already answered (a supplement is on its way or delivered).</param>
public sealed record SupplementWanted(IReadOnlyList<WantedMaterial> Materials, string? Note, bool Answered);

/// <summary>One material a department wants.</summary>
/// <param name="Code">The catalog's material code.</param>
/// <param name="Name">Its Chinese name.</param>
public sealed record WantedMaterial(string Code, string Name);

/// <summary>The answer to a supplement or withdrawal: accepted for delivery to the department.</summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="Request"><c>supplement</c> or <c>withdrawal</c>.</param>
/// <param name="Status">The application's status now.</param>
/// <param name="Location">Where to read its status.</param>
public sealed record CaseRequestAccepted(string ApplicationId, string Request, ApplicationStatus Status, string Location);
