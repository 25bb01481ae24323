/**
 * `credential-rotates-before-expiry` (mandatory, stack policy): each password's and certificate's
 * next rotation must come at least `minGrace` (ISO 8601, default `P7D`) before its end date, so
 * consumers have time to pick up the new credential: violation when
 * `nextRotation + minGrace > endDate` (calendar-correct).
 *
 * Next rotation (the earliest of those found, see ../core/rotation.ts):
 * - passwords: this project's schedule keys in `rotateWhenChanged` (`rotation-window`,
 *   `rotation-slot`), and every `time:index/rotating:Rotating` reached through
 *   `propertyDependencies.rotateWhenChanged`;
 * - certificates (`ApplicationCertificate`, `ServicePrincipalCertificate`): the schedule of the
 *   chain their `value` comes from (../core/certificate-schedule.ts): schedule keys in `keepers` or
 *   `rotateWhenChanged`, or a `time.Rotating`; or schedule keys in the `tags` of a Key Vault
 *   certificate (`credential: keyVaultCertificate`). Those tags hold the newest slot's schedule,
 *   and every slot's credential comes from that one certificate (through a Stash per slot): its
 *   `n` credentials rotate at the next `n` window starts, paired with them in end-date order
 *   (`sharedScheduleRotations`, `sharedSchedulePairing`: the most favourable pairing, so a
 *   violation holds whichever slot each credential belongs to).
 * A credential with neither is not judged here (credential-rotation-required covers it);
 * malformed schedule keys are a violation. SAML token-signing certificates are not judged.
 *
 * Unknown values (preview): a resource whose end date or rotation cannot be known is skipped; the
 * check runs again with known values when the stack is updated.
 */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { skipWithoutAnalyzed } from "../lib/analyzed-types";
import { Clock, systemClock } from "../lib/clock";
import { DEFAULT_MIN_GRACE } from "../core/defaults";
import { durationSchema, durationSetting } from "../core/config";
import { addDuration, parseInstant, Parsed } from "../core/iso8601";
import { isSet } from "../core/lifetime";
import { at, formatDays, resourceLabel } from "../core/messages";
import {
  NextRotation,
  rotatingNextRotation,
  RotatingProps,
  scheduleNextRotation,
} from "../core/rotation";
import {
  CertificateSchedule,
  certificateSchedule,
  ScheduleMap,
  sharedSchedulePairing,
  sharedScheduleRotations,
} from "../core/certificate-schedule";
import {
  APPLICATION_CERTIFICATE,
  isPasswordType,
  SERVICE_PRINCIPAL_CERTIFICATE,
  TIME_ROTATING,
} from "../core/resource-types";
import { ROTATION_FIELD_ORDER, RotationField } from "../core/time-rotating";
import { field, readMapPartial } from "../core/unknowns";
import { SLOT_KEY, WINDOW_KEY } from "../core/schedule";

export const CREDENTIAL_ROTATES_BEFORE_EXPIRY = "credential-rotates-before-expiry";
export { DEFAULT_MIN_GRACE };

const ROTATING_KEYS = [
  "rotationRfc3339",
  "rfc3339",
  "rotationYears",
  "rotationMonths",
  "rotationDays",
  "rotationHours",
  "rotationMinutes",
] as const;

/** Creates the policy. @param clock current instant (ms since epoch), the start of a Rotating without `rfc3339` */
export function credentialRotatesBeforeExpiryPolicy(
  clock: Clock = systemClock,
): StackValidationPolicy {
  return {
    name: CREDENTIAL_ROTATES_BEFORE_EXPIRY,
    description: "Each password's next rotation must come at least minGrace before its end date.",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Make each credential's next rotation plus minGrace (default P7D) fall no later than its endDate: set a later endDate, or rotate sooner (a shorter period or an earlier anchor in the schedule).",
    url: "policy/README.md#credential-rotates-before-expiry",
    configSchema: {
      properties: {
        minGrace: durationSchema(
          "Shortest allowed time between a password's next rotation and its end date, ISO 8601.",
          DEFAULT_MIN_GRACE,
        ),
      },
    },
    validateStack: skipWithoutAnalyzed(
      (args: StackValidationArgs, reportViolation: ReportViolation) =>
        validate(args, reportViolation, clock()),
      (type) =>
        isPasswordType(type) ||
        type === APPLICATION_CERTIFICATE ||
        type === SERVICE_PRINCIPAL_CERTIFICATE,
    ),
  };
}

/** The policy with the system clock, as the pack serves it. */
export const credentialRotatesBeforeExpiry = credentialRotatesBeforeExpiryPolicy();

function validate(args: StackValidationArgs, report: ReportViolation, nowMs: number): void {
  const setting = durationSetting(args.getConfig(), "minGrace", DEFAULT_MIN_GRACE);
  const schedules = new Map<string, CertificateSchedule>();
  for (const resource of args.resources) {
    if (isCertificateType(resource.type)) {
      schedules.set(resource.urn, certificateSchedule(resource));
    }
  }
  const pairing = sharedCarrierPairing(args.resources, schedules);
  for (const resource of args.resources) {
    const isCertificate = isCertificateType(resource.type);
    if (!isPasswordType(resource.type) && !isCertificate) continue;
    const label = resourceLabel(resource.type, resource.name);
    if (!setting.ok) {
      report(
        `${label} cannot be checked: ${setting.reason}. Fix: set minGrace to an ISO 8601 duration such as P7D in the policy configuration.`,
        resource.urn,
      );
      continue;
    }
    const endField = field(resource.props, "endDate");
    if (!endField.known || !isSet(endField.value)) continue;
    const end = parseInstant(endField.value);
    if (!end.ok) continue; // credential-max-lifetime reports unreadable end dates
    const schedule = schedules.get(resource.urn);
    const next =
      isCertificate && schedule
        ? certificateNextRotation(schedule, nowMs, pairing.get(resource.urn))
        : nextRotation(resource, nowMs);
    if (next === "unknown" || next === undefined) continue;
    if (!next.ok) {
      report(
        `${label} has an unreadable rotation schedule: ${next.reason}. Fix: write ${isCertificate ? "the keepers, rotateWhenChanged or Key Vault certificate tags it rotates with" : "rotateWhenChanged"} with the app-credentials schedule (rotation-window "<anchor>/<period>#<generation>", rotation-slot "<slot>/<slots>").`,
        resource.urn,
      );
      continue;
    }
    const grace = setting.value;
    const latestRotationMs = addDuration(end.value, grace.duration, -1);
    const neededEndMs = addDuration(next.value.ms, grace.duration);
    if (!Number.isFinite(neededEndMs) || neededEndMs > end.value) {
      const gap = end.value - next.value.ms;
      const relation = gap >= 0 ? `only ${formatDays(gap)} after` : `${formatDays(-gap)} before`;
      report(
        `${label} ends at ${at(end.value)}, ${relation} its next rotation at ${at(next.value.ms)} (from ${next.value.source}); the minimum grace is ${grace.text}. ` +
          `Fix: set endDate no earlier than ${at(neededEndMs)} (next rotation + ${grace.text}), or rotate no later than ${at(latestRotationMs)} (a shorter period or an earlier anchor in the schedule).`,
        resource.urn,
      );
    }
  }
}

/**
 * The earliest next rotation of a password, `undefined` when it has no understandable schedule,
 * or "unknown" when a value it depends on is unknown during preview.
 */
function nextRotation(
  resource: PolicyResource,
  nowMs: number,
): { ok: true; value: NextRotation } | { ok: false; reason: string } | "unknown" | undefined {
  const candidates: NextRotation[] = [];
  let unknown = false;
  const rotateWhenChanged = readMapPartial(field(resource.props, "rotateWhenChanged"));
  if (rotateWhenChanged.wholeUnknown) return "unknown";
  if (
    rotateWhenChanged.unknownKeys.includes(WINDOW_KEY) ||
    rotateWhenChanged.unknownKeys.includes(SLOT_KEY)
  ) {
    return "unknown";
  }
  const unknownEntries = rotateWhenChanged.unknownKeys.length > 0;
  let rotatingCount = 0;
  if (rotateWhenChanged.map !== undefined) {
    const fromSchedule = scheduleNextRotation(rotateWhenChanged.map);
    if (fromSchedule !== undefined && !fromSchedule.ok) return fromSchedule;
    if (fromSchedule !== undefined) candidates.push(fromSchedule.value);
  }
  const dependencies = field(resource.propertyDependencies, "rotateWhenChanged");
  const rotatings =
    dependencies.known && Array.isArray(dependencies.value)
      ? (dependencies.value as unknown[])
      : [];
  for (const dependency of rotatings) {
    if (typeof dependency !== "object" || dependency === null) continue;
    const dep = dependency as PolicyResource;
    if (dep.type !== TIME_ROTATING) continue;
    rotatingCount++;
    const fromRotating = rotatingRotation(dep, nowMs);
    if (fromRotating === "unknown") {
      unknown = true;
      continue;
    }
    if (!fromRotating.ok) return fromRotating;
    candidates.push(fromRotating.value);
  }
  // Unknown rotateWhenChanged values are taken to be the outputs of the Rotating(s) found (the usual
  // `{ rotation: rotating.id }`); without any Rotating, an unknown value could rotate the password
  // earlier than the schedule says, so the password is not judged until the value is known.
  if (unknownEntries && rotatingCount === 0) return "unknown";
  if (candidates.length === 0) return unknown ? "unknown" : undefined;
  const earliest = candidates.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ok: true, value: earliest };
}

/** Application and service principal certificates (SAML token-signing certificates are not judged). */
function isCertificateType(type: string): boolean {
  return type === APPLICATION_CERTIFICATE || type === SERVICE_PRINCIPAL_CERTIFICATE;
}

/** Where a credential stands among those a shared carrier (a Key Vault certificate) issues. */
interface SharedPosition {
  /** Index of its rotation in `sharedScheduleRotations` of the carrier's tags. */
  rotation: number;
  /** Its position in end-date order, from 0, and how many were paired. */
  position: number;
  count: number;
}

/**
 * For each certificate credential, by URN, and each Key Vault certificate whose tags it rotates
 * with (by URN): which of the carrier's slot rotations it is paired with. Credentials without a
 * known, readable end date are not paired (they are not judged either).
 */
function sharedCarrierPairing(
  resources: readonly PolicyResource[],
  schedules: ReadonlyMap<string, CertificateSchedule>,
): Map<string, Map<string, SharedPosition>> {
  const groups = new Map<string, { map: ScheduleMap; members: { urn: string; end: number }[] }>();
  for (const resource of resources) {
    const schedule = schedules.get(resource.urn);
    if (schedule === undefined || schedule.unknown) continue;
    const endField = field(resource.props, "endDate");
    if (!endField.known || !isSet(endField.value)) continue;
    const end = parseInstant(endField.value);
    if (!end.ok) continue;
    for (const carried of schedule.maps) {
      if (carried.property !== "tags") continue;
      const group = groups.get(carried.resource.urn) ?? { map: carried, members: [] };
      group.members.push({ urn: resource.urn, end: end.value });
      groups.set(carried.resource.urn, group);
    }
  }
  const pairing = new Map<string, Map<string, SharedPosition>>();
  for (const [carrierUrn, { map, members }] of groups) {
    const rotations = sharedScheduleRotations(map.map);
    const slots = rotations?.ok ? rotations.value.length : 1;
    members.sort((a, b) => a.end - b.end || a.urn.localeCompare(b.urn));
    const indexes = sharedSchedulePairing(members.length, slots);
    members.forEach(({ urn }, position) => {
      const byCarrier = pairing.get(urn) ?? new Map<string, SharedPosition>();
      byCarrier.set(carrierUrn, {
        rotation: indexes[position],
        position,
        count: members.length,
      });
      pairing.set(urn, byCarrier);
    });
  }
  return pairing;
}

/**
 * The earliest next rotation of a certificate, from the schedule of the chain its value comes from;
 * `undefined` without one, "unknown" when a value it depends on is unknown during preview.
 *
 * @param positions where the credential stands among those of each shared carrier it rotates with
 */
function certificateNextRotation(
  schedule: CertificateSchedule,
  nowMs: number,
  positions: ReadonlyMap<string, SharedPosition> | undefined,
): { ok: true; value: NextRotation } | { ok: false; reason: string } | "unknown" | undefined {
  if (schedule.unknown) return "unknown";
  const candidates: NextRotation[] = [];
  for (const { resource: carrier, map, property } of schedule.maps) {
    const where = `${resourceLabel(carrier.type, carrier.name)} ${property === "tags" ? "tags" : "schedule"}`;
    if (property === "tags") {
      const fromShared = sharedRotation(map, where, positions?.get(carrier.urn));
      if (fromShared !== undefined && !fromShared.ok) return fromShared;
      if (fromShared !== undefined) candidates.push(fromShared.value);
      continue;
    }
    const fromSchedule = scheduleNextRotation(map, where);
    if (fromSchedule !== undefined && !fromSchedule.ok) return fromSchedule;
    if (fromSchedule !== undefined) candidates.push(fromSchedule.value);
  }
  for (const rotating of schedule.rotatings) {
    const fromRotating = rotatingRotation(rotating, nowMs);
    if (fromRotating === "unknown") return "unknown";
    if (!fromRotating.ok) return fromRotating;
    candidates.push(fromRotating.value);
  }
  if (candidates.length === 0) return undefined;
  return { ok: true, value: candidates.reduce((a, b) => (b.ms < a.ms ? b : a)) };
}

/**
 * The rotation of a credential that a shared carrier's tags schedule ({@link sharedCarrierPairing}).
 * A credential not paired (no known end date: it is not judged) gets the earliest rotation.
 */
function sharedRotation(
  map: Record<string, unknown>,
  where: string,
  position: SharedPosition | undefined,
): Parsed<NextRotation> | undefined {
  const rotations = sharedScheduleRotations(map);
  if (rotations === undefined || !rotations.ok) return rotations;
  const index = Math.min(position?.rotation ?? 0, rotations.value.length - 1);
  const window = JSON.stringify(String(map[WINDOW_KEY]));
  const slot = JSON.stringify(String(map[SLOT_KEY] ?? "0/1"));
  const paired =
    rotations.value.length > 1 && position !== undefined
      ? `: the ${ordinal(position.position + 1)} of the ${position.count} credentials it issues by end date, paired with the ${ordinal(index + 1)} of its ${rotations.value.length} slots' next rotations`
      : "";
  return {
    ok: true,
    value: {
      ms: rotations.value[index],
      source: `${where} rotation-window ${window}, rotation-slot ${slot}${paired}`,
    },
  };
}

/** 1st, 2nd, 3rd, 4th… */
function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n % 100 !== 11
      ? "st"
      : n % 10 === 2 && n % 100 !== 12
        ? "nd"
        : n % 10 === 3 && n % 100 !== 13
          ? "rd"
          : "th";
  return `${n}${suffix}`;
}

/**
 * Rotation instant of one `time.Rotating`, or "unknown" when its inputs are not known yet.
 *
 * The provider applies `rotationDays`, `rotationHours`, `rotationMinutes`, `rotationMonths`,
 * `rotationRfc3339`, `rotationYears` in this order and the last one set wins (../core/time-rotating.ts),
 * so an unknown field matters only when no known field after it is set: a known `rotationRfc3339`
 * decides while a period before it is unknown, but not while `rotationYears` is unknown or set.
 * Unknown outputs (`rotationRfc3339`, `rfc3339`) before the Rotating exists are not set yet: the
 * rotation comes from the inputs, from now.
 */
function rotatingRotation(
  rotating: PolicyResource,
  nowMs: number,
): ReturnType<typeof rotatingNextRotation> | "unknown" {
  const props: RotatingProps = {};
  let unknownOutput = false;
  const unknownFields: RotationField[] = [];
  for (const key of ROTATING_KEYS) {
    const read = field(rotating.props, key);
    if (read.known) {
      props[key] = read.value;
    } else if (key === "rotationRfc3339" || key === "rfc3339") {
      // Outputs unknown before the Rotating exists: fall back to the inputs (period from now).
      unknownOutput = true;
    } else {
      unknownFields.push(key);
    }
  }
  const setIndex = ROTATION_FIELD_ORDER.reduce(
    (last, key, index) => (props[key] !== undefined && props[key] !== null ? index : last),
    -1,
  );
  if (unknownFields.some((key) => ROTATION_FIELD_ORDER.indexOf(key) > setIndex)) return "unknown";
  if (unknownOutput && setIndex < 0) return "unknown";
  return rotatingNextRotation(typeof rotating.name === "string" ? rotating.name : "", props, nowMs);
}
