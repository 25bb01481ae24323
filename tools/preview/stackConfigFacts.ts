/**
 * What the preview reads from the stack's configuration, parsed as the program parses it, beside
 * what the program declares: whether each consumer's refresh is its kind's documented default
 * (not in the stack outputs), and which apps' schedules the tenant's app management policies
 * refuse at some rotation (the simulated Graph judges only the credentials this instant creates).
 * Kept apart from the report and its renderer, which the CLI loads for every run: only the preview
 * itself loads the configuration parser.
 */
import { tenantPolicyRefusals } from "../offline";
import type { StackFile, TenantPolicyRefusal, TenantSnapshot } from "../offline";
import { parseStackConfig, rawConfigFromValues, StackConfig } from "../../components/config";
import { consumerKey } from "./consumers";

/** The stack's configuration as the program reads it, or undefined when it cannot be parsed. */
function stackConfig(
  stackFile: Pick<StackFile, "config" | "dir">,
  nowMs: number,
): StackConfig | undefined {
  try {
    return parseStackConfig(rawConfigFromValues(stackFile.config, stackFile.dir), nowMs);
  } catch {
    return undefined;
  }
}

/**
 * The apps of the stack's configuration whose rotation schedule the tenant's app management
 * policies (from the `--tenant` file) refuse at some rotation, with the cap, the schedule's longest
 * lifetime and the setting to change (tools/offline `tenantPolicyRefusals`, as `npm run calendar`
 * checks them); empty without policies or a parsable configuration.
 *
 * @param nowMs the preview's instant: the first deployment of a new app
 */
export function scheduleRefusals(
  stackFile: Pick<StackFile, "config" | "dir">,
  tenant: TenantSnapshot | undefined,
  nowMs: number,
): TenantPolicyRefusal[] {
  if (tenant?.appManagementPolicies === undefined) return [];
  const config = stackConfig(stackFile, nowMs);
  return config ? tenantPolicyRefusals(config.apps, tenant, nowMs) : [];
}

/**
 * Per app and consumer of the stack's configuration ({@link consumerKey}), whether its refresh is
 * the kind's documented default: this project's `app-credentials:*` keys and the catalogue files
 * they name, parsed as the program parses them.
 *
 * @param nowMs the preview's instant (the configuration's checks depend on it)
 * @returns undefined when the configuration cannot be parsed (another project, a `secure:` value
 *   the parser needs, a catalogue file changed since the run)
 */
export function refreshDefaults(
  stackFile: Pick<StackFile, "config" | "dir">,
  nowMs: number,
): Map<string, boolean> | undefined {
  const config = stackConfig(stackFile, nowMs);
  if (!config) return undefined;
  const defaults = new Map<string, boolean>();
  for (const app of config.apps) {
    for (const consumer of app.consumers) {
      defaults.set(consumerKey(app.name, consumer.name), consumer.refreshIsDefault);
    }
  }
  return defaults;
}
