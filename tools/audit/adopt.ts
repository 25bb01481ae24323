/**
 * `--adopt`: the `apps` entries that put the tenant's unmanaged apps with findings under rotation,
 * as YAML to paste into a stack file (`config: app-credentials:apps:`), or to save as a catalogue
 * file (a YAML document holding only `apps:`, listed in `app-credentials:appFiles`).
 *
 * Which apps: grouped by appId (an application and its service principal are one app). An app is
 * adopted when
 * - no credential of its application or service principal carries this project's marker (an app
 *   with a managed credential is already in a stack: its hand-made credentials are to be removed,
 *   not adopted again), and
 * - at least one credential this project's rotation would replace (any credential of the
 *   application; a service principal's passwords except SAML token-signing ones) has a finding
 *   other than `credential-expired` and `credential-federation-migration-incomplete` (that one
 *   asks to remove the secrets of an app that federates, not to rotate them). Apps whose only
 *   findings are expired credentials are listed in a trailing comment instead: adopting them would
 *   give new, valid secrets to apps that may no longer be in use.
 *
 * Which object: the application when the export holds it (its secrets are the app's own, shown
 * in its Certificates & secrets blade), else the service principal (e.g. an enterprise app that
 * arrived through admin consent). Names follow the stack config rules of components/config/index.ts.
 * Pure: no I/O.
 */
import { Document, YAMLMap, YAMLSeq } from "yaml";
import { APP_NAME_MAX } from "../../components/config";
import { formatInstant } from "../../policy/core";
import { CREDENTIAL_EXPIRED } from "../../policy/policies/credential-expired";
import { oneLine, quoted } from "./errors";
import {
  AUDIT_POLICIES,
  AuditPolicy,
  CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE,
} from "./policies";
import type { AuditResult, TenantCredentialRow } from "./rules";
import type { TenantObject } from "./tenant";

/** One `apps` entry to paste. */
export interface AdoptionEntry {
  /** Unique (ignoring case) among the entries; 1–{@link APP_NAME_MAX} letters, digits, hyphens. */
  name: string;
  existing: { applicationObjectId: string } | { servicePrincipalObjectId: string };
  /** The object adopted. */
  object: TenantObject;
  /** Policies of the app's findings (both objects), in {@link AUDIT_POLICIES} order. */
  policies: AuditPolicy[];
  /** False when only the other object of the appId (its service principal) has findings. */
  hasOwnFindings: boolean;
  /** The app's service principal when an application is adopted and the principal has findings. */
  servicePrincipalWithFindings?: TenantObject;
}

/** The entries, and the apps left out because their only findings are expired credentials. */
export interface AdoptionPlan {
  entries: AdoptionEntry[];
  expiredOnly: TenantObject[];
}

/**
 * Chooses the apps to adopt and names them (see module comment).
 *
 * @param result the audit's result
 * @returns entries sorted by name
 */
export function planAdoption(result: AuditResult): AdoptionPlan {
  const byApp = new Map<string, { objects: TenantObject[]; rows: TenantCredentialRow[] }>();
  for (const object of result.objects) {
    const key = object.appId.toLowerCase();
    const group = byApp.get(key) ?? { objects: [], rows: [] };
    group.objects.push(object);
    byApp.set(key, group);
  }
  for (const row of result.rows) byApp.get(row.object.appId.toLowerCase())?.rows.push(row);

  const chosen: Omit<AdoptionEntry, "name">[] = [];
  const expiredOnly: TenantObject[] = [];
  for (const { objects, rows } of byApp.values()) {
    if (rows.some((row) => row.role === "managed")) continue;
    const rotatable = rows.filter(
      (row) =>
        row.role === "unmanaged" &&
        row.findings.some((f) => f.policy !== CREDENTIAL_FEDERATION_MIGRATION_INCOMPLETE),
    );
    if (rotatable.length === 0) continue;
    const pick = pickObject(objects);
    if (!rotatable.some((row) => row.findings.some((f) => f.policy !== CREDENTIAL_EXPIRED))) {
      expiredOnly.push(pick);
      continue;
    }
    const found = new Set(rows.flatMap((row) => row.findings.map((f) => f.policy)));
    const policies = AUDIT_POLICIES.filter((policy) => found.has(policy));
    const withFindings = (o: TenantObject) =>
      rows.some((row) => row.object === o && row.findings.length > 0);
    const other = objects.find((o) => o !== pick && withFindings(o));
    chosen.push({
      existing:
        pick.objectType === "application"
          ? { applicationObjectId: pick.objectId }
          : { servicePrincipalObjectId: pick.objectId },
      object: pick,
      policies,
      hasOwnFindings: withFindings(pick),
      ...(other ? { servicePrincipalWithFindings: other } : {}),
    });
  }
  // Names are given in a stable order (display name, then appId), so reruns name apps alike.
  chosen.sort(
    (a, b) =>
      compare(a.object.displayName.toLowerCase(), b.object.displayName.toLowerCase()) ||
      compare(a.object.appId, b.object.appId),
  );
  const taken = new Set<string>();
  const entries = chosen.map((entry) => ({
    name: uniqueName(adoptionBaseName(entry.object.displayName, entry.object.appId), taken),
    ...entry,
  }));
  entries.sort((a, b) => compare(a.name, b.name));
  expiredOnly.sort((a, b) => compare(a.displayName, b.displayName) || compare(a.appId, b.appId));
  return { entries, expiredOnly };
}

/** An application object when the export has one for the appId, else the service principal. */
function pickObject(objects: TenantObject[]): TenantObject {
  return objects.find((o) => o.objectType === "application") ?? objects[0];
}

/**
 * A name valid for the stack config and Key Vault (`<name>-client-…` secret names): the display name
 * lowercased, accents dropped, every run of other characters turned into one hyphen, hyphens
 * trimmed, cut at {@link APP_NAME_MAX} characters; `app-<first 8 characters of appId>` when
 * nothing is left.
 */
export function adoptionBaseName(displayName: string, appId: string): string {
  const slug = displayName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, APP_NAME_MAX)
    .replace(/-+$/, "");
  if (slug !== "") return slug;
  const fallback = `app-${appId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 8)}`;
  return fallback === "app-" ? "app" : fallback;
}

/**
 * `base`, or `base-2`, `base-3`… (cut so the name stays within {@link APP_NAME_MAX}), the first
 * not in `taken` ignoring case; adds it to `taken`.
 */
export function uniqueName(base: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : `-${n}`;
    const name = `${base.slice(0, APP_NAME_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}

/**
 * The YAML fragment: a header comment, `apps:` with one commented entry per app, and a trailing
 * comment listing the expired-only apps. Parses back to `{ apps: [{ name, existing }] }`.
 *
 * @param nowMs the audit's instant, ms since the Unix epoch (shown in the header)
 */
export function adoptionYaml(plan: AdoptionPlan, nowMs: number): string {
  const doc = new Document({
    apps: plan.entries.map((entry) => ({ name: entry.name, existing: entry.existing })),
  });
  doc.commentBefore = [
    ` Generated by npm run audit -- --adopt at ${formatInstant(nowMs)}: ${plan.entries.length} app${plan.entries.length === 1 ? "" : "s"} with findings not under rotation.`,
    " Paste the entries under config: app-credentials:apps: of Pulumi.<stack>.yaml, or save this file",
    " as a catalogue file listed in app-credentials:appFiles; names must be unique in the stack. Then",
    " pulumi up adds the rotating passwords and fills Key Vault. Move each app's consumers to Key",
    " Vault, then remove the hand-made credentials by hand: this project never deletes a credential",
    " it did not create.",
  ].join("\n");
  const seq = doc.get("apps") as YAMLSeq<YAMLMap>;
  plan.entries.forEach((entry, index) => {
    seq.items[index].commentBefore = entryComment(entry)
      .map((line) => ` ${line}`)
      .join("\n");
  });
  if (plan.expiredOnly.length > 0) {
    const lines = [
      ` Not adopted: only expired credentials (remove them; adopt by hand if the app is still used):`,
    ];
    for (const object of plan.expiredOnly) lines.push(`   ${describeObject(object)}`);
    doc.comment = lines.join("\n");
  }
  return doc.toString({ lineWidth: 0 });
}

function entryComment(entry: AdoptionEntry): string[] {
  const lines = [`${describeObject(entry.object)}: ${entry.policies.join(", ")}`];
  const sp = entry.servicePrincipalWithFindings;
  if (sp !== undefined) {
    lines.push(
      `${entry.hasOwnFindings ? `its service principal ${sp.objectId} also has findings` : `the findings are on its service principal ${sp.objectId}`}: the app is adopted through its application; remove the service principal's hand-made secrets once consumers use Key Vault`,
    );
  }
  return lines;
}

/**
 * `"Orders API" (application, appId …)`: the display name quoted with control and bidi characters
 * shown escaped (the YAML is read in a terminal and an editor), on one line.
 */
function describeObject(object: TenantObject): string {
  const kind = object.objectType === "application" ? "application" : "service principal";
  return oneLine(`${quoted(object.displayName)} (${kind}, appId ${object.appId})`, 300);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
