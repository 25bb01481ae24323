import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { X509Certificate } from "crypto";
import { formatInstant } from "../policy/core";
import { CredentialOwner, RotatingCredentials, SlotCredential } from "./credentials";
import {
  CERTIFICATE_KEY,
  CERTIFICATE_USES,
  certificateInputs,
  RotationSettings,
  rotationState,
  RotationState,
} from "./rotation";

/** Arguments of {@link RotatingCertificates}. */
export interface RotatingCertificatesArgs {
  /** The app's name (in the certificates' subject: how Graph and the audit name them). */
  appName: string;
  owner: CredentialOwner;
  /** Validated rotation settings (see `config.ts`); certificate schedules are in whole hours. */
  rotation: RotationSettings;
  /** The deployment instant, ms since the Unix epoch: decides the current rotation window. */
  nowMs: number;
}

/**
 * The rotating client certificates of one application or service principal: per slot, a key pair
 * and a self-signed X.509 certificate registered as the app's key credential, replaced
 * (create-before-delete) when the slot's generation or the rotation trigger changes — the same
 * rotation model as passwords, so both certificates are valid through the overlap.
 *
 * Per slot `s` (`<name>` is `<app>-certificates`):
 * - `<name>-slot<s>-schedule`, a `random.RandomId` whose `keepers` are the slot's schedule keys
 *   (`rotation-window`, `rotation-slot`, `rotation-trigger`): replaced when they change, and the
 *   certificate's subject depends on it, so the policy pack sees the schedule through the
 *   certificate's property dependencies (policy/README.md, "What counts as a schedule");
 * - `<name>-slot<s>-key-<version>`, a `tls.PrivateKey` (RSA 2048) named after a hash of the schedule
 *   keys: a new key pair for every generation and trigger;
 * - `<name>-slot<s>-cert`, a `tls.SelfSignedCert` (client-auth usage) valid from its creation for
 *   `validityPeriodHours` = from the start of the slot's issue window to its end date: it covers the
 *   end date and never exceeds `maxLifetime`;
 * - `<name>-slot<s>`, the `ApplicationCertificate` / `ServicePrincipalCertificate`
 *   (`AsymmetricX509Cert`, PEM) with the slot's `endDate`, no later than the certificate's notAfter.
 *
 * The private keys live, encrypted, in Pulumi state (docs/certificates.md). No output holds key
 * material in plain text: the PEM bundle is a secret output.
 */
export class RotatingCertificates extends pulumi.ComponentResource implements RotatingCredentials {
  readonly state: RotationState;
  readonly credentials: SlotCredential[];
  readonly active: SlotCredential;
  readonly nextRotation: string;

  constructor(
    name: string,
    args: RotatingCertificatesArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("app-credentials:entra:RotatingCertificates", name, {}, opts);
    this.state = rotationState(args.rotation, args.nowMs);
    this.credentials = this.state.slots.map((slot) => {
      const inputs = certificateInputs(args.appName, slot);
      const prefix = `${name}-slot${slot.slot}`;
      const schedule = new random.RandomId(
        `${prefix}-schedule`,
        { byteLength: 8, keepers: slot.rotateWhenChanged },
        { parent: this },
      );
      const key = new tls.PrivateKey(`${prefix}-key-${inputs.keyVersion}`, CERTIFICATE_KEY, {
        parent: this,
      });
      const certificate = new tls.SelfSignedCert(
        `${prefix}-cert`,
        {
          privateKeyPem: key.privateKeyPem,
          subject: { commonName: inputs.commonName, serialNumber: schedule.hex },
          validityPeriodHours: inputs.validityPeriodHours,
          allowedUses: [...CERTIFICATE_USES],
        },
        { parent: this },
      );
      const endDate = formatInstant(slot.endDateMs);
      const credentialArgs = {
        type: "AsymmetricX509Cert",
        encoding: "pem",
        value: certificate.certPem,
        endDate,
      };
      const credential =
        args.owner.kind === "application"
          ? new azuread.ApplicationCertificate(
              prefix,
              { applicationId: args.owner.applicationId, ...credentialArgs },
              { parent: this },
            )
          : new azuread.ServicePrincipalCertificate(
              prefix,
              { servicePrincipalId: args.owner.servicePrincipalId, ...credentialArgs },
              { parent: this },
            );
      return {
        kind: "certificate" as const,
        slot: slot.slot,
        generation: slot.generation,
        keyId: credential.keyId,
        endDate,
        secretValue: pulumi.secret(
          pulumi
            .all([certificate.certPem, key.privateKeyPem])
            .apply(([cert, privateKey]) => pemBundle(cert, privateKey)),
        ),
        thumbprint: certificate.certPem.apply(thumbprintOf),
      };
    });
    this.active = this.credentials[this.state.activeSlot];
    this.nextRotation = formatInstant(this.state.nextWindowStartMs);
    this.registerOutputs({
      activeSlot: this.state.activeSlot,
      activeKeyId: this.active.keyId,
      activeEndDate: this.active.endDate,
      activeThumbprint: this.active.thumbprint,
      nextRotation: this.nextRotation,
    });
  }
}

/** The certificate followed by its private key, both PEM, as `ClientCertificateCredential` reads them. */
function pemBundle(certificatePem: string, privateKeyPem: string): string {
  const withNewline = (pem: string) => (pem.endsWith("\n") ? pem : `${pem}\n`);
  return `${withNewline(certificatePem)}${withNewline(privateKeyPem)}`;
}

/** SHA-1 thumbprint of a PEM certificate, upper-case hex (as Entra ID and the portal show it). */
export function thumbprintOf(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint.replace(/:/g, "").toUpperCase();
}
