import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { formatInstant } from "../policy/core";
import { CredentialOwner, RotatingCredentials, SlotCredential } from "./credentials";
import { passwordInputs, RotationSettings, rotationState, RotationState } from "./rotation";

/** Arguments of {@link RotatingPasswords}. */
export interface RotatingPasswordsArgs {
  owner: CredentialOwner;
  /** Validated rotation settings (see `config.ts`). */
  rotation: RotationSettings;
  /** The deployment instant, ms since the Unix epoch: decides the current rotation window. */
  nowMs: number;
  /**
   * Replace each password delete-before-create (default false: create-before-delete). For apps
   * whose sign-in audience includes personal Microsoft accounts, which hold at most two client
   * secrets: with two slots the slot a rotation replaces is the one Key Vault moved away from a
   * whole period earlier, so deleting it first keeps two secrets at most and never touches the one
   * consumers hold. A trigger or a change of period or anchor then replaces both slots, and both
   * old secrets are revoked before the new ones exist (docs/rotation-model.md, "Personal Microsoft accounts").
   */
  deleteBeforeReplace?: boolean;
}

/** One slot's password as exposed to the rest of the stack. */
export interface SlotPassword extends SlotCredential {
  kind: "password";
  /** The secret text, visible only at creation; always a secret output (= `secretValue`). */
  value: pulumi.Output<string>;
}

/**
 * The rotating client secrets of one application or service principal: `slots` passwords named
 * `<name>-slot<s>`, each replaced (create-before-delete, Pulumi's default, unless
 * `deleteBeforeReplace`) when its generation or the rotation trigger changes, as the rotation
 * model computes from `nowMs`.
 *
 * Each password carries `endDate` (RFC 3339, stable for the generation) and a `rotateWhenChanged`
 * map with the schedule keys (`rotation-window`, `rotation-slot`, `rotation-trigger`) that the
 * policy pack reads. `endDateRelative` is never used: the provider ignores it for passwords.
 */
export class RotatingPasswords extends pulumi.ComponentResource implements RotatingCredentials {
  readonly state: RotationState;
  readonly passwords: SlotPassword[];
  readonly active: SlotPassword;
  readonly nextRotation: string;

  get credentials(): SlotCredential[] {
    return this.passwords;
  }

  constructor(name: string, args: RotatingPasswordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("app-credentials:entra:RotatingPasswords", name, {}, opts);
    this.state = rotationState(args.rotation, args.nowMs);
    this.passwords = this.state.slots.map((slot) => {
      const passwordArgs = passwordInputs(slot);
      const childName = `${name}-slot${slot.slot}`;
      const options: pulumi.CustomResourceOptions = args.deleteBeforeReplace
        ? { parent: this, deleteBeforeReplace: true }
        : { parent: this };
      const password =
        args.owner.kind === "application"
          ? new azuread.ApplicationPassword(
              childName,
              { applicationId: args.owner.applicationId, ...passwordArgs },
              options,
            )
          : new azuread.ServicePrincipalPassword(
              childName,
              { servicePrincipalId: args.owner.servicePrincipalId, ...passwordArgs },
              options,
            );
      const value = pulumi.secret(password.value);
      return {
        kind: "password" as const,
        slot: slot.slot,
        generation: slot.generation,
        keyId: password.keyId,
        endDate: passwordArgs.endDate,
        value,
        secretValue: value,
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
