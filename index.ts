/**
 * app-credentials: Entra ID app registrations whose client secrets rotate on a schedule, never
 * outlive `maxLifetime` (P2Y by default), and are written to Key Vault as they are created.
 *
 * The rotation windows are computed from the clock at the start of the run; run `pulumi up` on a
 * schedule shorter than the grace (see README). Configuration is validated before any resource is
 * declared.
 */
import { createStack, loadStackConfig } from "./components/stack";

const nowMs = Date.now();
const stack = createStack(loadStackConfig(nowMs), nowMs);

export const keyVault = stack.keyVault;
export const apps = stack.apps;
