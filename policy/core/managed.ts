/**
 * How a credential created by app-credentials' rotation is recognised outside Pulumi: by its
 * display name in Microsoft Graph (`passwordCredentials[].displayName`,
 * `keyCredentials[].displayName`).
 *
 * - Passwords: the stack sets `displayName` to `app-credentials slot <s> generation <g>`.
 * - Certificates: azuread's `ApplicationCertificate` has no display name input, and a key
 *   credential added without one shows the certificate's subject as its display name
 *   (https://github.com/pnp/cli-microsoft365/issues/3116: "If not filled in, the displayName will
 *   be set to the certificate subject", e.g. `CN=Test Certificate for CLI`). So the subject's
 *   common name carries the marker: `app-credentials <app> slot <s> generation <g>`
 *   ({@link managedCertificateCommonName}).
 *
 * What that display name looks like for our certificates (components/rotatingCertificates.ts):
 * - The subject is `{commonName, serialNumber}` built by terraform-provider-tls as a Go
 *   `pkix.Name` (internal/provider/common_cert.go, `createSubjectDistinguishedNames`), whose
 *   `ToRDNSequence` encodes the common name first and the serialNumber after it
 *   (crypto/x509/pkix/pkix.go).
 * - A distinguished name as a string (RFC 4514 §2.1, as .NET's `X500DistinguishedName.Name`
 *   writes it: https://learn.microsoft.com/dotnet/api/system.security.cryptography.x509certificates.x500distinguishednamebuilder,
 *   https://github.com/dotnet/runtime/issues/69049) starts with the LAST RDN:
 *   `SERIALNUMBER=<16 hex>, CN=app-credentials …`. Other writers keep the encoded order
 *   (`CN=…, SERIALNUMBER=…`), name the serialNumber attribute `SERIALNUMBER`, `serialNumber`,
 *   `OID.2.5.4.5` or `2.5.4.5`, separate RDNs with `,` or `;`, with or without spaces, and may
 *   quote a value. Which of them Entra ID uses is not documented, so
 *   {@link parseManagedCredentialName} accepts every one: it looks for a common-name attribute
 *   (`CN`, `commonName`, `OID.2.5.4.3`, `2.5.4.3`, any case) anywhere in the name whose value
 *   starts with the marker.
 * - Graph keeps a key credential's `displayName` to 90 characters: "Longer values are accepted
 *   but shortened" (https://learn.microsoft.com/graph/api/resources/keycredential). With the
 *   serialNumber first, `SERIALNUMBER=<16 hex>, CN=` takes 34 characters, leaving 56 of the common
 *   name. Common names are at most {@link COMMON_NAME_MAX} (64) characters (RFC 5280
 *   `ub-common-name`), of which ` slot <s> generation <g>` takes at least 20 at the end: the cut
 *   removes at most 8 characters, so the marker, the app part and the slot always survive; only
 *   the generation may be cut.
 *
 * The audit (`npm run audit`) uses {@link isManagedCredentialName} to tell rotated credentials from
 * hand-made ones.
 */
import { createHash } from "crypto";

/** Display names (and certificate subject common names) of managed credentials start with this. */
export const MANAGED_CREDENTIAL_PREFIX = "app-credentials ";

/** RFC 5280 appendix A.1: `ub-common-name INTEGER ::= 64`. */
export const COMMON_NAME_MAX = 64;

/**
 * Graph keeps a keyCredential's `displayName` to this many characters and shortens longer ones
 * (https://learn.microsoft.com/graph/api/resources/keycredential).
 */
export const GRAPH_KEY_DISPLAY_NAME_MAX = 90;

/** Hex characters of the hash that stands for the end of a shortened app name. */
const APP_HASH_LENGTH = 8;

/** Display name of a managed password: `app-credentials slot <slot> generation <generation>`. */
export function managedPasswordDisplayName(slot: number, generation: number): string {
  return `${MANAGED_CREDENTIAL_PREFIX}slot ${slot} generation ${generation}`;
}

/**
 * Subject common name of a managed certificate: `app-credentials <app> slot <s> generation <g>`
 * (Graph shows the subject as the key credential's display name), at most
 * {@link COMMON_NAME_MAX} characters.
 *
 * When the whole name would be longer (app names may have up to 108 characters, see
 * components/config/appConfig.ts `APP_NAME_MAX`, which made common names of up to 143 characters plus the
 * generation's digits), the app part becomes the app name's first characters, `.` and the first
 * 8 hex characters of the SHA-256 of the whole app name: `app-credentials <first>.<hash> slot <s>
 * generation <g>`, exactly 64 characters. Deterministic (the same inputs give the same name, so no
 * certificate is replaced for it), distinct for app names that share their first characters, and
 * `.` is not allowed in app names, so a shortened app part is never taken for an app's name. Names
 * that fit are unchanged.
 */
export function managedCertificateCommonName(
  app: string,
  slot: number,
  generation: number,
): string {
  const suffix = ` slot ${slot} generation ${generation}`;
  const room = COMMON_NAME_MAX - MANAGED_CREDENTIAL_PREFIX.length - suffix.length;
  return `${MANAGED_CREDENTIAL_PREFIX}${shortenedApp(app, room)}${suffix}`;
}

/** `app` when it fits in `room` characters, else `<first characters>.<hash>` (or the hash only). */
function shortenedApp(app: string, room: number): string {
  if (app.length <= room) return app;
  const hash = createHash("sha256").update(app).digest("hex").slice(0, APP_HASH_LENGTH);
  const keep = room - APP_HASH_LENGTH - 1;
  // Only a generation of more than 30 digits leaves no room for the first characters.
  return keep > 0 ? `${app.slice(0, keep)}.${hash}` : hash.slice(0, Math.max(room, 1));
}

/** What a managed credential's display name tells, as far as Graph kept it. */
export interface ManagedCredentialName {
  /** `certificate` when the marker is in a subject's common name, else `password`. */
  kind: "password" | "certificate";
  /**
   * Certificates: the app part of the common name (the app's name, or its shortened form
   * `<first>.<hash>`); null for passwords, or when the name was cut inside it.
   */
  app: string | null;
  /** Null when the name was cut before the slot was complete. */
  slot: number | null;
  /** Null when the name was cut before the generation was complete. */
  generation: number | null;
}

/** Attribute labels of the common name (2.5.4.3) in distinguished-name strings, lower case. */
const COMMON_NAME_LABELS = new Set(["cn", "commonname", "oid.2.5.4.3", "2.5.4.3"]);

/**
 * Reads a Graph credential display name: a password's (`app-credentials slot <s> generation <g>`)
 * or a certificate subject whose common name carries the marker, in any RDN order, label form,
 * spacing or quoting, and possibly cut by Graph at {@link GRAPH_KEY_DISPLAY_NAME_MAX} characters.
 *
 * @returns undefined when the name does not carry the marker (hand-made credentials)
 */
export function parseManagedCredentialName(
  displayName: unknown,
): ManagedCredentialName | undefined {
  if (typeof displayName !== "string") return undefined;
  if (displayName.startsWith(MANAGED_CREDENTIAL_PREFIX)) {
    const match = /^slot (\d+) generation (\d+)$/.exec(
      displayName.slice(MANAGED_CREDENTIAL_PREFIX.length),
    );
    return {
      kind: "password",
      app: null,
      slot: match ? Number(match[1]) : null,
      generation: match ? Number(match[2]) : null,
    };
  }
  for (const { label, value } of attributes(displayName)) {
    if (!COMMON_NAME_LABELS.has(label.toLowerCase())) continue;
    if (!value.startsWith(MANAGED_CREDENTIAL_PREFIX)) continue;
    return certificateParts(value.slice(MANAGED_CREDENTIAL_PREFIX.length));
  }
  return undefined;
}

/**
 * True when a Graph credential's display name marks it as created by app-credentials' rotation
 * (see {@link parseManagedCredentialName}).
 */
export function isManagedCredentialName(displayName: unknown): boolean {
  return parseManagedCredentialName(displayName) !== undefined;
}

/** `<app> slot <s> generation <g>`, possibly cut at its end. */
function certificateParts(rest: string): ManagedCredentialName {
  // The app part has no spaces (app names are letters, digits and hyphens): complete when a space
  // follows it. Slot and generation are complete when followed by a space, or by the end of an
  // uncut name (the generation is last, so its end is only known when the slot's text is whole).
  const app = /^(\S+) /.exec(rest);
  const slot = /^\S+ slot (\d+) /.exec(rest);
  const whole = /^\S+ slot \d+ generation (\d+)$/.exec(rest);
  return {
    kind: "certificate",
    app: app ? app[1] : null,
    slot: slot ? Number(slot[1]) : null,
    generation: whole ? Number(whole[1]) : null,
  };
}

/**
 * The `label=value` attributes of a distinguished-name string (RFC 4514, and the looser forms of
 * Windows `CertNameToStr`): RDNs separated by `,` or `;`, multi-valued ones by `+`, spaces around
 * them ignored, values possibly quoted (`"…"`, `""` or `\"` inside) or with `\` escapes. A value
 * cut inside its quotes (Graph's 90 characters) is returned as far as it goes.
 */
function attributes(name: string): { label: string; value: string }[] {
  const found: { label: string; value: string }[] = [];
  let i = 0;
  while (i < name.length) {
    const equals = name.indexOf("=", i);
    if (equals < 0) break;
    const label = name.slice(i, equals).trim();
    let j = equals + 1;
    while (name[j] === " ") j++;
    let value = "";
    if (name[j] === '"') {
      j++;
      while (j < name.length) {
        if (name[j] === '"' && name[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (name[j] === "\\" && j + 1 < name.length) {
          value += name[j + 1];
          j += 2;
        } else if (name[j] === '"') {
          j++;
          break;
        } else {
          value += name[j++];
        }
      }
      while (j < name.length && !",;+".includes(name[j])) j++;
    } else {
      while (j < name.length && !",;+".includes(name[j])) {
        if (name[j] === "\\" && j + 1 < name.length) {
          value += name[j + 1];
          j += 2;
        } else {
          value += name[j++];
        }
      }
      value = value.trimEnd();
    }
    found.push({ label, value });
    i = j + 1;
  }
  return found;
}
