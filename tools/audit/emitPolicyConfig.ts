/**
 * `--emit-policy-config FILE`: a `--policy-pack-config` file that makes the policy pack refuse what
 * the tenant's app management policies would refuse: `credential-max-lifetime` with
 *
 * - `maxLifetime`: the tenant's strictest applicable cap (the shorter of the two below);
 * - `maxPasswordLifetime`: the strictest enabled `passwordLifetime`;
 * - `maxCertificateLifetime`: the strictest enabled `asymmetricKeyLifetime`
 *
 * (../offline/appManagementPolicy.ts `tenantLifetimeCaps`), only what the tenant caps. The per-kind keys
 * default to `maxLifetime` in the pack. The file given with `--policy-pack-config` (if any) is the
 * starting point: every other entry is kept, and `credential-max-lifetime`'s level and other
 * properties too. A tenant cap looser than the setting it would replace (the configured or default
 * `maxLifetime`) is not written: the file never loosens the pack. Pure: the caller writes the file.
 */
import type { Duration } from "luxon";
import type { LifetimeCap, TenantLifetimeCaps } from "../offline/appManagementPolicy";
import { PER_KIND_MAX_LIFETIME } from "./policies";

/** The pack's policy the caps configure. */
export const MAX_LIFETIME_POLICY = "credential-max-lifetime";

/** The configuration to write and what to tell the user about it. */
export interface EmittedPolicyConfig {
  /** The file's JSON text, pretty-printed, with a final newline. */
  text: string;
  /** The properties written under `credential-max-lifetime` (ISO 8601). */
  written: { maxLifetime?: string; maxPasswordLifetime?: string; maxCertificateLifetime?: string };
  /** One line per cap not written, and why (shown on stderr). */
  notes: string[];
}

/**
 * Builds the `--policy-pack-config` file for the tenant's caps.
 *
 * @param caps the tenant's strictest caps
 * @param current the configuration now in force: the `--policy-pack-config` file's parsed JSON
 *   (undefined without one), its effective `maxLifetime` (default `P2Y`) and per-kind caps
 */
export function emitPolicyConfig(
  caps: TenantLifetimeCaps,
  current: {
    file: Record<string, unknown> | undefined;
    maxLifetime: { text: string; duration: Duration };
    maxLifetimeByKind?: Record<"password" | "certificate", { text: string; duration: Duration }>;
  },
): EmittedPolicyConfig {
  const notes: string[] = [];
  const written: EmittedPolicyConfig["written"] = {};
  const fits = (cap: LifetimeCap, key: string): boolean => {
    const now =
      key === PER_KIND_MAX_LIFETIME.password
        ? (current.maxLifetimeByKind?.password ?? current.maxLifetime)
        : key === PER_KIND_MAX_LIFETIME.certificate
          ? (current.maxLifetimeByKind?.certificate ?? current.maxLifetime)
          : current.maxLifetime;
    if (cap.ms <= now.duration.toMillis()) return true;
    notes.push(
      `${MAX_LIFETIME_POLICY}.${key}: the tenant's cap ${cap.text} (${cap.policy}) is looser than the ${key} in force, ${now.text}: not written`,
    );
    return false;
  };
  const shortest = [caps.password, caps.certificate]
    .filter((cap): cap is LifetimeCap => cap !== null)
    .sort((a, b) => a.ms - b.ms)[0];
  if (shortest !== undefined && fits(shortest, "maxLifetime")) written.maxLifetime = shortest.text;
  if (caps.password !== null && fits(caps.password, PER_KIND_MAX_LIFETIME.password)) {
    written[PER_KIND_MAX_LIFETIME.password] = caps.password.text;
  }
  if (caps.certificate !== null && fits(caps.certificate, PER_KIND_MAX_LIFETIME.certificate)) {
    written[PER_KIND_MAX_LIFETIME.certificate] = caps.certificate.text;
  }
  if (shortest === undefined) {
    notes.push(
      "the tenant's app management policies cap no credential lifetime: credential-max-lifetime left as it was",
    );
  }
  const file: Record<string, unknown> = { ...(current.file ?? {}) };
  if (Object.keys(written).length > 0) {
    const existing = file[MAX_LIFETIME_POLICY];
    const entry: Record<string, unknown> =
      typeof existing === "string"
        ? { enforcementLevel: existing }
        : typeof existing === "object" && existing !== null && !Array.isArray(existing)
          ? { ...(existing as Record<string, unknown>) }
          : {};
    file[MAX_LIFETIME_POLICY] = { ...entry, ...written };
  }
  return { text: `${JSON.stringify(file, null, 2)}\n`, written, notes };
}
