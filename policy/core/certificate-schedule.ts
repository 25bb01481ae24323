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
 *   depend on a `random.RandomId` whose keepers are the schedule (`credential: certificate`);
 * - is a Key Vault certificate (`azure:keyvault/certificate:Certificate`, or its alias token)
 *   carrying the schedule keys in its `tags` — app-credentials' `credential: keyVaultCertificate`
 *   (components/rotatingKeyVaultCertificates.ts): one certificate per app, tagged with the schedule
 *   of the newest (active) slot, whose subject carries that slot's marker so that each rotation
 *   makes a new version; each slot's key credential takes its value from a `pulumi.Stash` of the
 *   version current when the slot rotated (the chain is credential → Stash → certificate). The
 *   tags are read exactly as a `random.RandomId`'s keepers; being one carrier for every slot, see
 *   {@link sharedScheduleRotations} for when each of its credentials rotates; or
 * - is a `time:index/rotating:Rotating` (@pulumiverse/time).
 *
 * A value with no property dependencies is a literal (static); a chain without a schedule (a file,
 * a certificate nobody replaces) is static too.
 *
 * Limit: a Stash is replaced through its `replacementTrigger` resource option, which the analyzer
 * protocol does not send to policies (@pulumi/policy 1.21 `PolicyResourceOptions`): the pack
 * trusts the schedule keys of the chain, as it trusts a RandomId's keepers to feed the certificate.
 *
 * Pure, never throws; unknown values are reported as such, for the caller to skip.
 */
import type { PolicyResource } from "@pulumi/policy";
import { walkDependencies } from "./dependency-chain";
import { addDuration, Parsed } from "./iso8601";
import { isKeyVaultCertificateType, TIME_ROTATING } from "./resource-types";
import { parseSchedule, WINDOW_KEY } from "./schedule";
import { field, readMapPartial } from "./unknowns";

/** How deep the value's dependency chain is followed (certificate → key → schedule → …). */
export const MAX_DEPTH = 4;

/** The property of a resource that holds the schedule keys. */
export type ScheduleProperty = "keepers" | "rotateWhenChanged" | "tags";

/** One resource of the chain carrying the schedule keys, and where. */
export interface ScheduleMap {
  resource: PolicyResource;
  /** Its `keepers` / `rotateWhenChanged` / `tags` map (the known entries). */
  map: Record<string, unknown>;
  /** Which property holds the map: `tags` only on a Key Vault certificate. */
  property: ScheduleProperty;
}

/** Where a certificate's rotation comes from. */
export interface CertificateSchedule {
  /** Resources carrying the schedule keys, with their map. */
  maps: ScheduleMap[];
  /** `time.Rotating` resources of the chain. */
  rotatings: PolicyResource[];
  /** Key Vault certificates of the chain, with or without schedule keys. */
  keyVaultCertificates: PolicyResource[];
  /** The resources the value depends on directly (empty: a literal value). */
  sources: PolicyResource[];
  /** True when a map of the chain is unknown (preview): no verdict. */
  unknown: boolean;
}

/**
 * The properties of a resource type that may carry the schedule keys: a Key Vault certificate's
 * `tags` (they replace nothing themselves; the program changes the certificate's policy with them),
 * else `keepers` and `rotateWhenChanged`. Tags of other resources are not schedules: app-credentials
 * also writes `rotation-window` on the Key Vault secrets, as a record for consumer-refresh-overlap.
 */
export function scheduleProperties(type: string): readonly ScheduleProperty[] {
  return isKeyVaultCertificateType(type) ? ["tags"] : ["keepers", "rotateWhenChanged"];
}

/**
 * The resources a resource's property depends on (`propertyDependencies[key]`), objects only.
 * Never throws.
 */
export function propertySources(resource: PolicyResource, key: string): PolicyResource[] {
  const direct = field(resource.propertyDependencies, key);
  if (!direct.known || !Array.isArray(direct.value)) return [];
  return (direct.value as unknown[]).filter(
    (r): r is PolicyResource => typeof r === "object" && r !== null,
  );
}

/** Every resource a resource's properties depend on (all of `propertyDependencies`). */
export function allPropertySources(resource: PolicyResource): PolicyResource[] {
  return Object.values(resource.propertyDependencies ?? {}).flatMap((deps) =>
    Array.isArray(deps) ? deps : [],
  );
}

/** Follows `propertyDependencies.value` of a certificate credential (see the module comment). */
export function certificateSchedule(certificate: PolicyResource): CertificateSchedule {
  const result: CertificateSchedule = {
    maps: [],
    rotatings: [],
    keyVaultCertificates: [],
    sources: propertySources(certificate, "value"),
    unknown: false,
  };
  walkDependencies(
    result.sources,
    MAX_DEPTH,
    (resource) => (typeof resource === "object" && resource !== null ? resource.urn : undefined),
    allPropertySources,
    (resource) => {
      if (resource.type === TIME_ROTATING) result.rotatings.push(resource);
      if (isKeyVaultCertificateType(resource.type)) result.keyVaultCertificates.push(resource);
      for (const property of scheduleProperties(resource.type)) {
        const read = readMapPartial(field(resource.props, property));
        if (read.wholeUnknown || read.unknownKeys.includes(WINDOW_KEY)) result.unknown = true;
        if (read.map && WINDOW_KEY in read.map) {
          result.maps.push({ resource, map: read.map, property });
        }
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

/**
 * When the credentials a shared schedule carrier issues rotate: a Key Vault certificate's tags
 * hold the schedule of the newest slot only (slot `a` of `n`, generation `g`, issued for window
 * `k = n·g + a`), yet every slot's credential takes its value from that certificate. The other
 * slots were issued for windows `k−1 … k−n+1` (each slot rotates every `n` windows, at the start of
 * a window of its own parity: components/rotation.ts), so the `n` credentials are replaced at the
 * starts of windows `k+1 … k+n`, one each; the last one is the tagged slot's own next rotation
 * (what {@link parseSchedule} gives for the same map).
 *
 * @returns the `n` instants, earliest first (ms since the epoch); undefined when the map carries no
 *   `rotation-window`; a failure naming a malformed key or an instant out of range. Never throws.
 */
export function sharedScheduleRotations(
  map: Record<string, unknown>,
): Parsed<number[]> | undefined {
  const parsed = parseSchedule(map);
  if (parsed === undefined || !parsed.ok) return parsed;
  const { anchorMs, periodDuration, slots, slot, generation } = parsed.value;
  const issuedWindow = slots * generation + slot;
  const rotations: number[] = [];
  for (let i = 1; i <= slots; i++) {
    rotations.push(addDuration(anchorMs, periodDuration, issuedWindow + i));
  }
  if (!rotations.every(Number.isFinite)) {
    return { ok: false, reason: "rotation-window: the next rotation instant is out of range" };
  }
  return { ok: true, value: rotations };
}

/**
 * Pairs the credentials one shared carrier issues with its slots' rotations
 * ({@link sharedScheduleRotations}): which rotation each credential gets, by its position in
 * end-date order. The pack cannot see which slot a credential belongs to (a Stash is replaced by a
 * resource option), so it takes the most favourable pairing: the credential ending first with the
 * earliest rotation, and so on. That is the program's own pairing (a slot's end date is its next
 * rotation + grace), and when any pairing lets every credential rotate `minGrace` before its end,
 * this one does (the check is monotone in the rotation instant): a violation under it holds under
 * every pairing. With more credentials than slots the extra ones share the earliest rotation.
 *
 * @param count how many credentials of the carrier have a known end date
 * @param slots how many slots the carrier's schedule has (`rotation-slot` `<s>/<slots>`)
 * @returns for each position in end-date order (0 = ends first), the index of its rotation
 */
export function sharedSchedulePairing(count: number, slots: number): number[] {
  const extra = Math.max(0, count - slots);
  return Array.from({ length: count }, (_, position) => Math.max(0, position - extra));
}
