/**
 * Conformance of our answer schemas with the official SDK's response types: for every answer we parse, the
 * SDK's type must be assignable to `z.input<typeof ourSchema>`, so a field the SDK allows to be `null` or
 * absent and ours does not breaks the typecheck. A deliberate difference carries its reason beside it.
 */
import type * as Scripts from "cloudflare/resources/workers/scripts/index";
import type * as Routes from "cloudflare/resources/workers/routes";
import type * as Domains from "cloudflare/resources/workers/domains";
import type * as Zones from "cloudflare/resources/zones/zones";
import type * as Dispatch from "cloudflare/resources/workers-for-platforms/dispatch/namespaces/index";
import type * as DispatchScripts from "cloudflare/resources/workers-for-platforms/dispatch/namespaces/scripts/index";
import {
  assetsUploadSessionSchema,
  customDomainDeleteSchema,
  customDomainSchema,
  deploymentListSchema,
  deploymentSchema,
  schedulesResultSchema,
  versionListItemSchema,
  versionUploadResultSchema,
  workerRouteDeleteSchema,
  workerRouteSchema,
  zoneSchema,
  dispatchNamespaceSchema,
  dispatchScriptSchema,
  scriptLevelSettingsSchema,
  scriptSchema,
  scriptSearchRowSchema,
  scriptSettingsSchema,
  secretSchema,
  subdomainSchema,
  versionDetailSchema,
  wireBindingSchema,
} from "../../provider/cloudflare/schemas";
import type { BindingsFit, Equal, Expect, Fits, Replace, UnknownKinds } from "./sdk-types";

/** Each entry must be `true`; a mismatch shows as a type error naming the SDK type and our schema's input. */
type Answers = [
  // GET /workers/scripts (one row) and PUT /workers/scripts/{name}
  Expect<Fits<Scripts.ScriptListResponse, typeof scriptSchema>>,
  Expect<Fits<Scripts.ScriptUpdateResponse, typeof scriptSchema>>,
  // PUT …/content answers a whole Script (the API page says null; a recording shows the object)
  Expect<Fits<Scripts.Script, typeof scriptSchema>>,
  // GET/PATCH …/settings
  Expect<Fits<Scripts.ScriptAndVersionSettingGetResponse, typeof scriptSettingsSchema>>,
  Expect<Fits<Scripts.ScriptAndVersionSettingEditResponse, typeof scriptSettingsSchema>>,
  // GET/PATCH …/script-settings
  Expect<Fits<Scripts.ScriptSetting, typeof scriptLevelSettingsSchema>>,
  // secrets
  Expect<Fits<Scripts.SecretGetResponse, typeof secretSchema>>,
  Expect<Fits<Scripts.SecretUpdateResponse, typeof secretSchema>>,
  Expect<Fits<Scripts.SecretListResponse, typeof secretSchema>>,
  // subdomain
  Expect<Fits<Scripts.SubdomainGetResponse, typeof subdomainSchema>>,
  Expect<Fits<Scripts.SubdomainCreateResponse, typeof subdomainSchema>>,
  Expect<Fits<Scripts.SubdomainDeleteResponse, typeof subdomainSchema>>,
  // versions: a row of the list, and POST …/versions
  Expect<Fits<Scripts.VersionListResponse, typeof versionListItemSchema>>,
  Expect<Fits<Scripts.VersionCreateResponse, typeof versionUploadResultSchema>>,
  // deployments: POST …/deployments (recorded answering only its id, which the schema reads too) and the list
  Expect<Fits<Scripts.Deployment, typeof deploymentSchema>>,
  Expect<Fits<{ id: string }, typeof deploymentSchema>>,
  Expect<Fits<Scripts.DeploymentListResponse, typeof deploymentListSchema>>,
  // cron triggers: GET and PUT …/schedules
  Expect<Fits<Scripts.ScheduleGetResponse, typeof schedulesResultSchema>>,
  Expect<Fits<Scripts.ScheduleUpdateResponse, typeof schedulesResultSchema>>,
  // zone routes: create (older answers carry only the id), update, list row, get, delete
  Expect<Fits<Routes.RouteCreateResponse, typeof workerRouteSchema>>,
  Expect<Fits<{ id: string }, typeof workerRouteSchema>>,
  Expect<Fits<Routes.RouteUpdateResponse, typeof workerRouteSchema>>,
  Expect<Fits<Routes.RouteListResponse, typeof workerRouteSchema>>,
  Expect<Fits<Routes.RouteGetResponse, typeof workerRouteSchema>>,
  Expect<Fits<Routes.RouteDeleteResponse, typeof workerRouteDeleteSchema>>,
  // custom domains: PUT, list row, get, delete (an envelope, or an empty body)
  Expect<Fits<Domains.DomainUpdateResponse, typeof customDomainSchema>>,
  Expect<Fits<Domains.DomainListResponse, typeof customDomainSchema>>,
  Expect<Fits<Domains.DomainGetResponse, typeof customDomainSchema>>,
  Expect<Fits<Domains.DomainDeleteResponse, typeof customDomainDeleteSchema>>,
  // zones (the zone of a route or a custom domain)
  Expect<Fits<Zones.Zone, typeof zoneSchema>>,
  // Deliberate: the SDK types `resources.bindings` as an empty object (`interface Bindings {}`), a generator
  // artefact; the API answers an array (seed 001, recorded answers), which is what we read.
  Expect<
    Fits<
      Replace<
        Scripts.VersionGetResponse,
        { resources: Replace<Scripts.VersionGetResponse["resources"], { bindings?: SettingsBinding[] }> }
      >,
      typeof versionDetailSchema
    >
  >,
  // scripts-search
  Expect<Fits<Scripts.ScriptSearchResponse[number], typeof scriptSearchRowSchema>>,
  // assets upload session
  // Deliberate: `jwt` is required. Without it no file can be sent nor the upload completed, so an answer
  // lacking it is reported as unexpected rather than read.
  Expect<Fits<Replace<Scripts.Assets.UploadCreateResponse, { jwt: string }>, typeof assetsUploadSessionSchema>>,
  // Workers for Platforms
  Expect<Fits<Dispatch.NamespaceGetResponse, typeof dispatchNamespaceSchema>>,
  Expect<Fits<Dispatch.NamespaceCreateResponse, typeof dispatchNamespaceSchema>>,
  Expect<Fits<Dispatch.NamespaceListResponse, typeof dispatchNamespaceSchema>>,
  Expect<Fits<DispatchScripts.Script, typeof dispatchScriptSchema>>,
  Expect<Fits<DispatchScripts.ScriptUpdateResponse, typeof scriptSchema>>,
  Expect<Fits<DispatchScripts.SettingGetResponse, typeof scriptSettingsSchema>>,
  Expect<Fits<DispatchScripts.SettingEditResponse, typeof scriptSettingsSchema>>,
  // Deliberate: `jwt` required, as above.
  Expect<Fits<Replace<DispatchScripts.AssetUploadCreateResponse, { jwt: string }>, typeof assetsUploadSessionSchema>>,
  Expect<Fits<DispatchScripts.BindingGetResponse, typeof wireBindingSchema>>,
];

type SettingsBinding = NonNullable<Scripts.ScriptAndVersionSettingGetResponse["bindings"]>[number];
type DispatchBinding = DispatchScripts.BindingGetResponse;

/** Every SDK binding kind of a type we model fits that type's own schema (not merely the opaque member). */
type Unmodelled = "messaging" | "artifacts" | "k2";

type Bindings = [
  Expect<BindingsFit<SettingsBinding>>,
  Expect<BindingsFit<NonNullable<Scripts.ScriptAndVersionSettingEditResponse["bindings"]>[number]>>,
  // The SDK binding types this package does not model; they are read as opaque bindings. A new one in the SDK
  // fails this line: model it in BINDING_FIELDS, or add it here.
  Expect<Equal<UnknownKinds<SettingsBinding>, Unmodelled>>,
  Expect<Equal<UnknownKinds<DispatchBinding>, Unmodelled>>,
  Expect<BindingsFit<DispatchBinding>>,
];

describe("answer schemas conform to the official SDK's response types", () => {
  it("reads every SDK binding kind this package does not model as an opaque binding, fields kept", () => {
    const unmodelled: Unmodelled[] = ["messaging", "artifacts", "k2"];
    for (const type of unmodelled) {
      const answer = { type, name: "X", namespace: "n", stream: "s", nested: { deep: [1, null] } };
      expect(wireBindingSchema.parse(answer)).toEqual(answer);
    }
  });
});

// Referenced so that an unused-type lint never removes the comparisons above.
export type { Answers, Bindings };
