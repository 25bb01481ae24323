/**
 * A valid app entry as {@link AppCredential}'s public arguments (components/appCredentialArgs.ts):
 * the stack program declares each configured app through the public component, which validates
 * them again with the same code and resolves the same app. Pure.
 */
import type { AppCredentialArgs, Rotation } from "../appCredentialArgs";
import type { RawRotation } from "./rotationConfig";

/** The public arguments of an app's component (without the vault), once the entry is valid. */
export type AppEntryArgs = Omit<AppCredentialArgs, "keyVault">;

/**
 * A valid entry as {@link AppCredential}'s arguments: its own fields (without `name` and `tags`),
 * the global rotation fields it does not override, and its resolved trigger.
 */
export function entryArgs(
  value: Record<string, unknown>,
  global: RawRotation,
  override: RawRotation,
  trigger: string,
): AppEntryArgs {
  const {
    name: _name,
    tags: _tags,
    rotation: _rotation,
    rotationTrigger: _trigger,
    ...rest
  } = value;
  void [_name, _tags, _rotation, _trigger];
  const rotation: Record<string, unknown> = {};
  for (const [key, field] of Object.entries({ ...global, ...definedOnly(override) })) {
    if (field !== undefined) rotation[key] = field;
  }
  return { ...(rest as AppEntryArgs), rotation: rotation as Rotation, rotationTrigger: trigger };
}

function definedOnly(rotation: RawRotation): RawRotation {
  return Object.fromEntries(Object.entries(rotation).filter(([, v]) => v !== undefined));
}
