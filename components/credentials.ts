/** What every rotating credential component (passwords, certificates) exposes to the stack. */
import type * as pulumi from "@pulumi/pulumi";
import type { RotationState } from "./rotation";

/**
 * Whose credentials: an application (`ApplicationPassword`, `ApplicationCertificate`) or a service
 * principal (`ServicePrincipalPassword`, `ServicePrincipalCertificate`).
 */
export type CredentialOwner =
  | {
      kind: "application";
      /** The application's resource id, `/applications/{objectId}` (azuread `Application.id`). */
      applicationId: pulumi.Input<string>;
    }
  | {
      kind: "servicePrincipal";
      /** The service principal's resource id, `/servicePrincipals/{objectId}`. */
      servicePrincipalId: pulumi.Input<string>;
    };

/** One slot's credential as exposed to the rest of the stack. */
export interface SlotCredential {
  kind: "password" | "certificate" | "keyVaultCertificate";
  slot: number;
  generation: number;
  /** The credential's key id (a GUID in Entra ID). */
  keyId: pulumi.Output<string>;
  /** The credential's end date, RFC 3339 (known before creation: computed by the rotation model). */
  endDate: string;
  /**
   * What the stack writes to Key Vault for the application, always a secret output: the password's
   * text, or the certificate and its private key in PEM. Absent for a certificate Key Vault
   * generated itself (its companion secret is the hand-off; nothing passes through Pulumi).
   */
  secretValue?: pulumi.Output<string>;
  /** Certificates: the SHA-1 thumbprint of the certificate, upper-case hex. */
  thumbprint?: pulumi.Output<string>;
}

/** A component that rotates one app's credentials. */
export interface RotatingCredentials {
  /** The rotation state at the deployment instant: windows, generations and end dates. */
  readonly state: RotationState;
  readonly credentials: SlotCredential[];
  /** The credential Key Vault holds: the newest one (slot `window mod slots`). */
  readonly active: SlotCredential;
  /** Start of the next rotation window, RFC 3339: when the next deployment replaces a slot. */
  readonly nextRotation: string;
}
