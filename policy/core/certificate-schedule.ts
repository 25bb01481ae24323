/**
 * What makes a certificate credential rotate, as a stack policy can see it.
 *
 * An `ApplicationCertificate` / `ServicePrincipalCertificate` has no `rotateWhenChanged`: it is
 * replaced when its `value` changes, so it rotates when the resource its value comes from is
 * replaced on a schedule. A stack policy sees where the value comes from through
 * `propertyDependencies.value`, and follows the chain (the certificate resource, its key, whatever
 * they depend on) up to {@link MAX_DEPTH} resources deep. The certificate rotates on a schedule
 * when a resource of that chain:
 *
 * - carries the app-credentials schedule keys (`rotation-window`, `rotation-slot`,
 *   `rotation-trigger`, see ./schedule.ts) in `keepers` (random provider resources, whose keepers
 *   force replacement) or in `rotateWhenChanged` — app-credentials makes the certificate's subject
 *   depend on a `random.RandomId` whose keepers are the schedule; or
 * - is a `time:index/rotating:Rotating` (@pulumiverse/time).
 *
 * A value with no property dependencies is a literal (static); a chain without a schedule (a file,
 * a certificate nobody replaces) is static too.
 *
 * Pure, never throws; unknown values are reported as such, for the caller to skip.
 */
import type { PolicyResource } from "@pulumi/policy";
import { walkDependencies } from "./dependency-chain";
import { TIME_ROTATING } from "./resource-types";
import { WINDOW_KEY } from "./schedule";
import { field, readMapPartial } from "./unknowns";

/** How deep the value's dependency chain is followed (certificate → key → schedule → …). */
export const MAX_DEPTH = 4;

/** Where a certificate's rotation comes from. */
export interface CertificateSchedule {
  /** Resources carrying the schedule keys: their `keepers` / `rotateWhenChanged` map. */
  maps: { resource: PolicyResource; map: Record<string, unknown> }[];
  /** `time.Rotating` resources of the chain. */
  rotatings: PolicyResource[];
  /** The resources the value depends on directly (empty: a literal value). */
  sources: PolicyResource[];
  /** True when a map of the chain is unknown (preview): no verdict. */
  unknown: boolean;
}

/** Follows `propertyDependencies.value` of a certificate credential (see the module comment). */
export function certificateSchedule(certificate: PolicyResource): CertificateSchedule {
  const result: CertificateSchedule = { maps: [], rotatings: [], sources: [], unknown: false };
  const direct = field(certificate.propertyDependencies, "value");
  result.sources =
    direct.known && Array.isArray(direct.value) ? (direct.value as PolicyResource[]) : [];
  walkDependencies(
    result.sources,
    MAX_DEPTH,
    (resource) => (typeof resource === "object" && resource !== null ? resource.urn : undefined),
    (resource) =>
      Object.values(resource.propertyDependencies ?? {}).flatMap((deps) =>
        Array.isArray(deps) ? deps : [],
      ),
    (resource) => {
      if (resource.type === TIME_ROTATING) result.rotatings.push(resource);
      for (const key of ["keepers", "rotateWhenChanged"]) {
        const read = readMapPartial(field(resource.props, key));
        if (read.wholeUnknown || read.unknownKeys.includes(WINDOW_KEY)) result.unknown = true;
        if (read.map && WINDOW_KEY in read.map) result.maps.push({ resource, map: read.map });
      }
    },
    [certificate.urn],
  );
  return result;
}

/** True when the chain carries a schedule (a map with the schedule keys, or a `time.Rotating`). */
export function hasSchedule(schedule: CertificateSchedule): boolean {
  return schedule.maps.length > 0 || schedule.rotatings.length > 0;
}
