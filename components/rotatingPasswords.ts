import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { formatInstant } from "../policy/lib/iso8601";
import { passwordInputs, RotationSettings, rotationState, RotationState } from "./rotation";

/** Whose passwords: an application (`ApplicationPassword`) or a service principal (`ServicePrincipalPassword`). */
export type PasswordOwner =
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

/** Arguments of {@link RotatingPasswords}. */
export interface RotatingPasswordsArgs {
  owner: PasswordOwner;
  /** Validated rotation settings (see `config.ts`). */
  rotation: RotationSettings;
  /** The deployment instant, ms since the Unix epoch: decides the current rotation window. */
  nowMs: number;
}

/** One slot's password as exposed to the rest of the stack. */
export interface SlotPassword {
  slot: number;
  generation: number;
  /** The password's key id (a GUID assigned by Entra ID). */
  keyId: pulumi.Output<string>;
  /** The password's end date, RFC 3339 (known before creation: computed by the rotation model). */
  endDate: string;
  /** The secret text, visible only at creation; always a secret output. */
  value: pulumi.Output<string>;
}

/**
 * The rotating client secrets of one application or service principal: `slots` passwords named
 * `<name>-slot<s>`, each replaced (create-before-delete, Pulumi's default) when its generation or
 * the rotation trigger changes, as the rotation model computes from `nowMs`.
 *
 * Each password carries `endDate` (RFC 3339, stable for the generation) and a `rotateWhenChanged`
 * map with the schedule keys (`rotation-window`, `rotation-slot`, `rotation-trigger`) that the
 * policy pack reads. `endDateRelative` is never used: the provider ignores it for passwords.
 */
export class RotatingPasswords extends pulumi.ComponentResource {
  /** The rotation state at `nowMs`: windows, generations and end dates. */
  readonly state: RotationState;
  readonly passwords: SlotPassword[];
  /** The password Key Vault holds: the newest one (slot `window mod slots`). */
  readonly active: SlotPassword;
  /** Start of the next rotation window, RFC 3339: when the next deployment replaces a slot. */
  readonly nextRotation: string;

  constructor(name: string, args: RotatingPasswordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:entra:RotatingPasswords", name, {}, opts);
    this.state = rotationState(args.rotation, args.nowMs);
    this.passwords = this.state.slots.map((slot) => {
      const passwordArgs = passwordInputs(slot);
      const childName = `${name}-slot${slot.slot}`;
      const password =
        args.owner.kind === "application"
          ? new azuread.ApplicationPassword(
              childName,
              { applicationId: args.owner.applicationId, ...passwordArgs },
              { parent: this },
            )
          : new azuread.ServicePrincipalPassword(
              childName,
              { servicePrincipalId: args.owner.servicePrincipalId, ...passwordArgs },
              { parent: this },
            );
      return {
        slot: slot.slot,
        generation: slot.generation,
        keyId: password.keyId,
        endDate: passwordArgs.endDate,
        value: pulumi.secret(password.value),
      };
    });
    this.active = this.passwords[this.state.activeSlot];
    this.nextRotation = formatInstant(this.state.nextWindowStartMs);
    this.registerOutputs({
      activeSlot: this.state.activeSlot,
      activeKeyId: this.active.keyId,
      activeEndDate: this.active.endDate,
      nextRotation: this.nextRotation,
    });
  }
}
