import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { PORTAL_ROLES } from "../../domain/portal-user.js";

export enum PortalRoleGql {
  ADMINISTRATOR = "ADMINISTRATOR",
  PRIVACY_OFFICER = "PRIVACY_OFFICER",
  AUDITOR = "AUDITOR",
}
registerEnumType(PortalRoleGql, {
  name: "PortalRole",
  description: "ADMINISTRATOR: keys, galleries, users, policies and reports. PRIVACY_OFFICER: subjects, consents, data subject requests, legal hold, restriction, exports. AUDITOR: read-only audit trail and reports.",
});
if (Object.values(PortalRoleGql).join() !== PORTAL_ROLES.join()) throw new Error("PortalRole enum out of step with the domain");

@ObjectType("PortalUser", { description: "A person who signs in to the admin consent portal (never their password or its hash)." })
export class PortalUserType {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) displayName!: string;
  @Field(() => PortalRoleGql) role!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "Set while the user may not sign in." }) disabledAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "Locked after repeated wrong passwords, until then." }) lockedUntil!: Date | null;
}

@InputType("CreatePortalUserInput")
export class CreatePortalUserInput {
  @Field(() => ID, { nullable: true, description: "The tenant: only when the platform admin creates a tenant's first users." }) tenantId?: string | null;
  @Field(() => String) email!: string;
  @Field(() => String) displayName!: string;
  @Field(() => PortalRoleGql) role!: string;
  @Field(() => String, { description: "At least 12 characters; stored only as a scrypt hash." }) password!: string;
}
