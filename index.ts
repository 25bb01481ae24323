/**
 * app-credentials: Entra ID app registrations whose client secrets rotate on a schedule, never
 * outlive `maxLifetime` (P2Y by default), and are written to Key Vault as they are created.
 *
 * The rotation windows are computed from the deployment instant: `APP_CREDENTIALS_NOW` (RFC 3339)
 * when set — a pipeline sets it once per job, so the preview and the update of one `pulumi up`
 * see the same windows — else the clock at the start of the run. Run `pulumi up` on a schedule
 * shorter than the grace (docs/rotation-model.md). Configuration is validated before any resource is declared.
 *
 * An async program (Pulumi awaits the exported function): its stack outputs are `keyVault` and
 * `apps`, see {@link StackOutputs}. It is a thin user of the package's public components
 * (components/index.ts): each configured app becomes one `AppCredential` with the same arguments a
 * program of your own would give it. Pulumi.yaml names this file (`main`); package.json's `main`
 * is the package's entry.
 */
import { deploymentInstant } from "./components/instant";
import { createStack, loadStackConfig, StackOutputs } from "./components/stack";

export = async (): Promise<StackOutputs> => {
  const nowMs = deploymentInstant();
  return createStack(loadStackConfig(nowMs), nowMs);
};
